import { createFlatHistogram, cumulativeBuckets, decode, mergeWire, type Histogram } from '../metrics/histogram.ts';
import type { Counters, MetricSummary, RunFile, RunResult, TimeseriesPoint } from '../result/types.ts';
import type { ProgressTick, Reporter, RunStartInfo } from '../run/reporter.ts';

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
  /** With `--repeat N`: the round (0-based); absent on the run's closing line over all rounds. */
  round?: number;
  /** A capacity-search step: its arrival rate (sessions/s). */
  step?: { rate: number };
  /**
   * What a `final` line covers: `run` (the topology's whole result, equal to `result.json`'s) or
   * `round` (one `--repeat` round: its counters start from zero). Absent on per-second lines.
   */
  scope?: 'run' | 'round';
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

const ms = (us: number): number => Math.round(us) / 1000;

function fromHistogram(h: Histogram): LiveLatency {
  const { le, sumUs, at } = cumulativeBuckets(h, BOUNDS_US, [50, 99]);
  return { count: h.totalCount, sumMs: sumUs / 1000, p50: ms(at[0]!), p99: ms(at[1]!), max: ms(h.maxValue), le };
}

function latencies(metrics: Record<string, MetricSummary>): Record<string, LiveLatency> {
  const out: Record<string, LiveLatency> = {};
  for (const [name, m] of Object.entries(metrics)) {
    if (!m.count || !m.hdr) continue;
    // the summary's own figures (exact min/max); the buckets from its histogram
    out[name] = { count: m.count, sumMs: m.mean * m.count, p50: m.p50, p99: m.p99, max: m.max, le: cumulativeBuckets(decode(m.hdr), BOUNDS_US).le };
  }
  return out;
}

/** The final figures of a topology run (or round), from its result: what result.json holds, exactly. */
export function sampleFromResult(r: RunResult, round?: number, step?: { rate: number }): LiveSample {
  return {
    topology: r.topology,
    ...(round === undefined ? {} : { round }),
    ...(step === undefined ? {} : { step }),
    scope: round === undefined ? 'run' : 'round',
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

/** What one live output delivered, kept in result.json's `outputs`. */
export type OutputReport = NonNullable<RunFile['outputs']>[number];

/** What a live output does with the samples: queue or write them (never wait), and finish at the end. */
export interface LiveSink {
  sample(s: LiveSample): void;
  /** Flush and close; says what was delivered (kept in result.json's `outputs`). */
  end(): OutputReport | undefined | Promise<OutputReport | undefined>;
}

/**
 * The live outputs on the run's one stream (src/run/stream.ts). The snapshots are added up here
 * as they arrive (histograms merged bucket by bucket, counters and errors summed: cheap, and
 * exactly what the run's aggregator adds), so a tick costs the walk of each histogram's occupied
 * range, not the encoding of every histogram that `tick.figures()` does. Each tick becomes one
 * sample of the run so far, each topology's (or round's) result a final one; every sink gets the
 * same sample and only queues or writes it: the stream never waits for a sink.
 */
export function liveOutput(sinks: readonly LiveSink[]): Reporter {
  let totals = new Map<string, Histogram>();
  let counters: Counters = {};
  let errors: Record<string, number> = {};
  let round: number | undefined;
  let step: { rate: number } | undefined;
  const send = (s: LiveSample): void => {
    for (const k of sinks) k.sample(s);
  };
  return {
    name: 'live-outputs',
    onRunStart(info: RunStartInfo) {
      totals = new Map();
      counters = {};
      errors = {};
      round = info.round && info.round.of > 1 ? info.round.index : undefined;
      step = info.step;
    },
    onSnapshot(s) {
      for (const [name, w] of Object.entries(s.histograms)) {
        let h = totals.get(name);
        if (!h) totals.set(name, (h = createFlatHistogram()));
        mergeWire(h, w);
      }
      for (const [k, v] of Object.entries(s.counters)) counters[k] = (counters[k] ?? 0) + v;
      for (const [k, e] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + e.count;
    },
    onTick(t: ProgressTick) {
      const latency: Record<string, LiveLatency> = {};
      for (const [name, h] of totals) if (h.totalCount > 0) latency[name] = fromHistogram(h);
      send({
        topology: t.topology,
        ...(round === undefined ? {} : { round }),
        ...(step === undefined ? {} : { step }),
        timeMs: Date.now(),
        elapsedMs: t.elapsedMs,
        final: false,
        counters: { ...counters },
        errors: { ...errors },
        connected: t.connected,
        latency,
        second: t.point,
      });
    },
    onRunEnd(r) {
      send(sampleFromResult(r, round, step));
    },
    async onEnd(file) {
      // with rounds, each round's line was its own: close with each topology's whole result
      if (round !== undefined) for (const r of file.runs) send(sampleFromResult(r, undefined, step));
      const reports: OutputReport[] = [];
      for (const k of sinks) {
        const rep = await k.end();
        if (rep) reports.push(rep);
      }
      // into result.json (the json reporter writes after the live outputs end: src/run/run.ts)
      if (reports.length) file.outputs = [...(file.outputs ?? []), ...reports];
    },
  };
}
