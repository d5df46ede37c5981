/**
 * The one stream of a run. Everything that consumes a run in progress — the collector that
 * builds the result, fault windows, abortOnFail thresholds, the progress line, live outputs and
 * the end-of-run reporters — is a `Reporter` (src/run/reporter.ts) on this stream; nothing is
 * wired by hand. Generators' snapshots go in as they arrive; a tick comes out once a second.
 */
import type { Aggregator } from '../metrics/aggregate.ts';
import type { IntervalSnapshot } from '../metrics/snapshot.ts';
import type { RunFile, RunResult } from '../result/types.ts';
import type { ProgressTick, Reporter, RunStartInfo } from './reporter.ts';
import type { RtbenchError } from '../shared/errors.ts';
import { endReporters } from './output-check.ts';

export class RunStream {
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly listeners: readonly Reporter[]) {}

  /**
   * The same stream with listeners that live for one round (its collector, fault windows,
   * abortOnFail) ahead of the run's own: a round's snapshots reach both, in that order.
   */
  withRound(listeners: readonly Reporter[]): RunStream {
    return new RunStream([...listeners, ...this.listeners]);
  }

  start(info: RunStartInfo): void {
    for (const l of this.listeners) l.onRunStart?.(info);
  }

  snapshot(s: IntervalSnapshot): void {
    for (const l of this.listeners) l.onSnapshot?.(s);
  }

  /**
   * Tick once a second from `begunMs` (wall clock) until `stopTicks()`, reading the round's
   * aggregator: the newest second's point for the progress line, and the whole-run figures only
   * when a listener asks for them (a merge of every histogram is not free).
   */
  startTicks(o: { topology: string; totalMs: number; begunMs: number; agg: Aggregator }): void {
    this.stopTicks();
    this.ticker = setInterval(() => {
      const elapsedMs = Date.now() - o.begunMs;
      const point = o.agg.latest();
      const tick: ProgressTick = {
        topology: o.topology,
        elapsedMs,
        totalMs: o.totalMs,
        connected: point?.connected ?? 0,
        msgsPerSec: point ? point.messagesSent + point.messagesReceived : 0,
        ackP99: point?.ackP99 ?? null,
        errors: o.agg.counterTotal('errors'),
        point,
        figures: () => ({ metrics: o.agg.metrics(), counters: o.agg.counters(), workers: o.agg.workers(), durationMs: elapsedMs }),
      };
      for (const l of this.listeners) l.onTick?.(tick);
    }, 1000);
  }

  stopTicks(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  runEnd(r: RunResult): void {
    for (const l of this.listeners) l.onRunEnd?.(r);
  }

  /** Every listener's end, in order, each alone: a failed write does not stop the others. Returns the failures. */
  end(file: RunFile, ctx: { outDir: string }): Promise<RtbenchError[]> {
    return endReporters(this.listeners, file, ctx);
  }
}
