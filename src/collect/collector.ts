import { Aggregator } from '../metrics/aggregate.ts';
import type { IntervalSnapshot } from '../metrics/snapshot.ts';
import type { Threshold } from '../thresholds/parse.ts';
import { buildRunResult, endOf, type ResultFacts, type ResultParts } from './build.ts';
import { roundFigures } from '../result/rounds.ts';
import type { FaultSection, RunResult } from '../result/types.ts';
import type { RunEnd } from '../result/run-end.ts';
import type { MetricDeclarations } from '../metrics/declared.ts';

/** What one round adds besides its snapshots. */
export type RoundParts = Omit<ResultFacts, 'topology' | 'engine' | 'rounds' | 'keepSeconds' | 'knownWorkers'> & RunEnd;

const STATUS_RANK: Record<RunResult['status'], number> = { completed: 0, interrupted: 1, failed: 2 };

/**
 * One topology's run as the stream delivers it: every snapshot of every round goes into one
 * Aggregator (rounds placed end to end in the time series), and, with several rounds, also into
 * that round's own Aggregator for its per-round figures. `result()` builds the one `RunResult`
 * (saturation, workers and thresholds from all rounds).
 */
export class RunCollector {
  readonly name = 'collector';
  private readonly all: Aggregator;
  private current: Aggregator;
  private offset = 0;
  private readonly done: Array<{ parts: RoundParts; result: RunResult | null; seconds: { from: number; to: number } }> = [];

  constructor(
    private readonly meta: { topology: string; engine: string; rounds: number; thresholds: Threshold[]; keepSeconds?: boolean; custom?: MetricDeclarations },
  ) {
    this.all = new Aggregator(meta.custom);
    this.current = this.all;
  }

  /** Start a round; returns the Aggregator of this round alone (what its progress and abort checks read). */
  beginRound(): Aggregator {
    this.offset = this.all.lastSecond + 1;
    this.current = this.meta.rounds > 1 ? new Aggregator(this.meta.custom) : this.all;
    return this.current;
  }

  onSnapshot(s: IntervalSnapshot): void {
    this.all.add(this.offset ? { ...s, t: s.t + this.offset } : s);
    if (this.current !== this.all) this.current.add(s);
  }

  /**
   * End a round. With several rounds, returns the round's own result (built by the same builder
   * from its own aggregator, thresholds evaluated on it): reporters see each round end. With one
   * round, null: that round's result is `result()`.
   */
  endRound(parts: RoundParts): RunResult | null {
    const result =
      this.meta.rounds > 1 ? buildRunResult(this.current, { topology: this.meta.topology, engine: this.meta.engine, ...parts }, this.meta.thresholds) : null;
    this.done.push({ parts, result, seconds: { from: this.offset, to: this.all.lastSecond + 1 } });
    return result;
  }

  /** Each ended round's own result (several rounds; with one round, `result()` is that round's). */
  roundResults(): RunResult[] {
    return this.done.flatMap((r) => (r.result ? [r.result] : []));
  }

  /** The one result of this topology, from every round. */
  result(): RunResult {
    const { thresholds } = this.meta;
    const rounds = this.done;
    if (rounds.length === 0) throw new Error('RunCollector.result() before any round ended');
    const base = { topology: this.meta.topology, engine: this.meta.engine };
    const last = rounds[rounds.length - 1]!.parts;
    const worst = rounds.reduce((w, r) => (STATUS_RANK[r.parts.status] > STATUS_RANK[w.status] ? r.parts : w), rounds[0]!.parts);
    const sentinels = rounds.flatMap((r) => (r.parts.sentinel ? [r.parts.sentinel] : []));
    const parts: ResultParts = {
      ...base,
      target: last.target,
      ...endOf(worst),
      startedAt: rounds[0]!.parts.startedAt,
      durationMs: rounds.reduce((a, r) => a + r.parts.durationMs, 0),
      processes: rounds.flatMap((r) => r.parts.processes),
      sentinel: sentinels.length ? sentinels.reduce((a, b) => (b.loopDelayP99 > a.loopDelayP99 ? b : a)) : null,
      server: serverOfRounds(rounds.map((r) => r.parts.server ?? null)),
      ...faultsOfRounds(rounds.map((r) => r.parts.faults)),
      crashed: rounds.flatMap((r) => r.parts.crashed ?? []),
      abortedBy: rounds.find((r) => r.parts.abortedBy)?.parts.abortedBy ?? null,
      ...(this.meta.keepSeconds ? { keepSeconds: true } : {}),
    };
    if (this.meta.rounds > 1) {
      // each round's figures through the same builder, on its own aggregator
      parts.rounds = rounds.map((r) => roundFigures(r.result!, r.seconds));
      return buildRunResult(this.all, parts, thresholds);
    }
    const result = buildRunResult(this.all, parts, thresholds);
    return { ...result, rounds: [roundFigures(result, rounds[0]!.seconds)] };
  }
}

/** Every round's fault records, each tagged with its round when there were several; one round's section as it is. */
function faultsOfRounds(list: Array<FaultSection | undefined>): { faults?: FaultSection } {
  if (!list.some(Boolean)) return {};
  if (list.length === 1) return { faults: list[0]! };
  return {
    faults: {
      faults: list.flatMap((f, i) => (f ? f.faults.map((x) => ({ ...x, round: i + 1 })) : [])),
      baselineAckP99: list.find(Boolean)!.baselineAckP99,
      roundBaselines: list.map((f) => f?.baselineAckP99 ?? null),
    },
  };
}

/** The server's counts over every round (each round started its own server): workers listed, counters summed. */
function serverOfRounds(list: Array<RoundParts['server'] | null>): RoundParts['server'] | null {
  const seen = list.filter((s): s is NonNullable<RoundParts['server']> => Boolean(s));
  if (seen.length <= 1) return seen[0] ?? null;
  const counters: Record<string, number> = {};
  for (const s of seen) for (const [k, v] of Object.entries(s.counters)) counters[k] = (counters[k] ?? 0) + v;
  return { workers: seen.flatMap((s) => s.workers), counters };
}
