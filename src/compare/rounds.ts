import { mergeMetricSummaries } from '../metrics/histogram.ts';
import type { RoundFigures, RunResult } from '../result/types.ts';

/** The per-round figures a gate compares: latency percentiles per metric, throughput, error rate. */
export function roundFigures(r: RunResult): RoundFigures {
  const c = r.counters;
  const msgs = (c['messages.sent'] ?? 0) + (c['messages.received'] ?? 0);
  const metrics: RoundFigures['metrics'] = {};
  for (const [k, m] of Object.entries(r.metrics)) if (m.count) metrics[k] = { p50: m.p50, p90: m.p90, p99: m.p99, p999: m.p999, mean: m.mean };
  return {
    metrics,
    throughput: r.durationMs > 0 ? msgs / (r.durationMs / 1000) : 0,
    errorRate: msgs + (c['sessions.started'] ?? 0) > 0 ? (c.errors ?? 0) / (msgs + (c['sessions.started'] ?? 0)) : 0,
  };
}

/**
 * Combine N rounds of one topology into one run: histograms merged (exact), counters summed,
 * errors summed, the per-round figures kept in `rounds` for the gates.
 */
export function combineRounds(rounds: RunResult[]): RunResult {
  const [first] = rounds;
  if (!first || rounds.length === 1) return { ...first!, rounds: rounds.map(roundFigures) };
  const names = new Set(rounds.flatMap((r) => Object.keys(r.metrics)));
  const metrics = Object.fromEntries([...names].map((n) => [n, mergeMetricSummaries(rounds.flatMap((r) => (r.metrics[n] ? [r.metrics[n]!] : [])))]));
  const counters: Record<string, number> = {};
  const errors: RunResult['errors'] = {};
  for (const r of rounds) {
    for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
    for (const [k, e] of Object.entries(r.errors)) errors[k] = { count: (errors[k]?.count ?? 0) + e.count, sample: errors[k]?.sample ?? e.sample };
  }
  const worst = rounds.find((r) => r.status !== 'completed') ?? first;
  return {
    ...first,
    status: worst.status,
    ...(worst.failure ? { failure: worst.failure } : {}),
    durationMs: rounds.reduce((a, r) => a + r.durationMs, 0),
    metrics,
    counters,
    errors,
    thresholds: first.thresholds, // the caller re-evaluates them on the combined result
    timeseries: first.timeseries,
    rounds: rounds.map(roundFigures),
  };
}
