import { cumulativeCounts, decode } from '../metrics/histogram.ts';
import type { Counters, MetricSummary, RunResult, TimeseriesPoint } from '../result/types.ts';
import type { ProgressTick, Reporter, RunStartInfo } from '../reporters/types.ts';

/** Upper bounds (ms) of the latency buckets live outputs export (Prometheus `le`, in seconds there). */
export const LIVE_BOUNDS_MS: readonly number[] = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];
const BOUNDS_US = LIVE_BOUNDS_MS.map((b) => b * 1000);

/** One latency metric's figures over the run so far. */
export interface LiveLatency {
  count: number;
  /** Sum of all values, ms. */
  sumMs: number;
  p50: number;
  p99: number;
  max: number;
  /** Cumulative counts at or below each bound of `LIVE_BOUNDS_MS`. */
  le: number[];
}

/**
 * The run so far, once a second (and once more at the end of each topology run or round,
 * `final`): what live outputs stream. Counters and latencies are cumulative.
 */
export interface LiveSample {
  topology: string;
  /** With `--repeat N`: the round (0-based). */
  round?: number;
  /** Wall-clock time of the sample (ms since the epoch). */
  timeMs: number;
  elapsedMs: number;
  final: boolean;
  counters: Counters;
  /** Errors by kind, cumulative. */
  errors: Record<string, number>;
  connected: number;
  latency: Record<string, LiveLatency>;
  /** The newest complete second of the time series (null before the first). */
  second: TimeseriesPoint | null;
}

function latencies(metrics: Record<string, MetricSummary>): Record<string, LiveLatency> {
  const out: Record<string, LiveLatency> = {};
  for (const [name, m] of Object.entries(metrics)) {
    if (!m.count || !m.hdr) continue;
    out[name] = { count: m.count, sumMs: m.mean * m.count, p50: m.p50, p99: m.p99, max: m.max, le: cumulativeCounts(decode(m.hdr), BOUNDS_US) };
  }
  return out;
}

/** The final figures of a topology run (or round), from its result: what result.json holds, exactly. */
export function sampleFromResult(r: RunResult, round?: number): LiveSample {
  return {
    topology: r.topology,
    ...(round === undefined ? {} : { round }),
    timeMs: Date.now(),
    elapsedMs: r.durationMs,
    final: true,
    counters: { ...r.counters },
    errors: Object.fromEntries(Object.entries(r.errors).map(([k, e]) => [k, e.count])),
    connected: 0,
    latency: latencies(r.metrics),
    second: r.timeseries[r.timeseries.length - 1] ?? null,
  };
}

/**
 * A live output on the run's one stream (src/run/stream.ts): each tick becomes a sample of the
 * run so far (its merged histograms, counters, and errors by kind summed from the snapshots),
 * and each topology's (or round's) result a final sample. The sink only queues or writes: the
 * stream never waits for it.
 */
/** What a live output does with the samples: queue or write them (never wait), and finish at the end. */
export interface LiveSink {
  sample(s: LiveSample): void;
  end(): void | Promise<void>;
}

export function liveOutput(name: string, sink: LiveSink): Reporter {
  let errors: Record<string, number> = {};
  let round: number | undefined;
  return {
    name,
    onRunStart(info: RunStartInfo) {
      errors = {};
      round = info.round && info.round.of > 1 ? info.round.index : undefined;
    },
    onSnapshot(s) {
      for (const [k, e] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + e.count;
    },
    onTick(t: ProgressTick) {
      const f = t.figures();
      sink.sample({ topology: t.topology, ...(round === undefined ? {} : { round }), timeMs: Date.now(), elapsedMs: t.elapsedMs, final: false, counters: f.counters, errors: { ...errors }, connected: t.connected, latency: latencies(f.metrics), second: t.point });
    },
    onRunEnd(r) {
      sink.sample(sampleFromResult(r, round));
    },
    async onEnd() {
      await sink.end();
    },
  };
}
