import type { RoundFigures, RunResult } from './types.ts';

/** The per-round figures a gate compares: latency percentiles per metric, throughput, error rate; and the round's state. */
export function roundFigures(r: RunResult, seconds?: { from: number; to: number }): RoundFigures {
  const c = r.counters;
  const msgs = (c['messages.sent'] ?? 0) + (c['messages.received'] ?? 0);
  const metrics: RoundFigures['metrics'] = {};
  for (const [k, m] of Object.entries(r.metrics)) if (m.count) metrics[k] = { p50: m.p50, p90: m.p90, p99: m.p99, p999: m.p999, mean: m.mean };
  return {
    metrics,
    throughput: r.durationMs > 0 ? msgs / (r.durationMs / 1000) : 0,
    errorRate: msgs + (c['sessions.started'] ?? 0) > 0 ? (c.errors ?? 0) / (msgs + (c['sessions.started'] ?? 0)) : 0,
    status: r.status,
    durationMs: r.durationMs,
    ...(seconds ? { seconds } : {}),
    saturation: r.generator.saturation.verdict ?? (r.generator.saturation.saturated ? 'generator' : 'ok'),
  };
}
