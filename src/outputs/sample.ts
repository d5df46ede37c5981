import type { Aggregator } from '../metrics/aggregate.ts';
import { cumulativeCounts, decode, type Histogram } from '../metrics/histogram.ts';
import type { RunResult } from '../result/types.ts';
import type { LiveLatency, LiveSample } from '../reporters/types.ts';

/** Upper bounds (ms) of the latency buckets live outputs export (Prometheus `le`, in seconds there). */
export const LIVE_BOUNDS_MS: readonly number[] = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];
const BOUNDS_US = LIVE_BOUNDS_MS.map((b) => b * 1000);

const ms = (us: number): number => Math.round(us) / 1000;

function latency(h: Readonly<Histogram>): LiveLatency {
  const hist = h as Histogram;
  return {
    count: hist.totalCount,
    sumMs: (hist.mean * hist.totalCount) / 1000,
    p50: ms(hist.getValueAtPercentile(50)),
    p99: ms(hist.getValueAtPercentile(99)),
    max: ms(hist.maxValue),
    le: cumulativeCounts(hist, BOUNDS_US),
  };
}

/** The run so far, from the coordinator's aggregator (once a second while the load runs). */
export function sampleFromAggregator(agg: Aggregator, topology: string, elapsedMs: number): LiveSample {
  const lat: Record<string, LiveLatency> = {};
  for (const name of agg.metricNames()) {
    const h = agg.histogram(name);
    if (h && h.totalCount > 0) lat[name] = latency(h);
  }
  return {
    topology,
    timeMs: Date.now(),
    elapsedMs,
    final: false,
    counters: agg.counters(),
    errors: Object.fromEntries(Object.entries(agg.errors()).map(([k, e]) => [k, e.count])),
    connected: agg.latest()?.connected ?? 0,
    latency: lat,
    second: agg.latest(),
  };
}

/** The final figures of a topology run, from its result: what result.json holds, exactly. */
export function sampleFromResult(r: RunResult): LiveSample {
  const lat: Record<string, LiveLatency> = {};
  for (const [name, m] of Object.entries(r.metrics)) {
    if (!m.count) continue;
    const h = decode(m.hdr);
    lat[name] = { count: m.count, sumMs: m.mean * m.count, p50: m.p50, p99: m.p99, max: m.max, le: cumulativeCounts(h, BOUNDS_US) };
  }
  const last = r.timeseries[r.timeseries.length - 1] ?? null;
  return {
    topology: r.topology,
    timeMs: Date.now(),
    elapsedMs: r.durationMs,
    final: true,
    counters: { ...r.counters },
    errors: Object.fromEntries(Object.entries(r.errors).map(([k, e]) => [k, e.count])),
    connected: 0,
    latency: lat,
    second: last,
  };
}
