import type { MetricSummary, RunResult } from '../result/types.ts';
import type { MetricDeclarations } from '../metrics/declared.ts';
import { customView } from './custom.ts';

/** Built-in round trips, in the order a run's headline takes them: Socket.IO acks, raw-frame requests, time to first event of token streams. */
const ROUND_TRIPS = ['ack', 'request', 'sse:first'] as const;
/** Fan-out latencies of the reference app, after the scenario's own trends. */
const FAN_OUT = ['broadcast', 'publish', 'push'] as const;

/**
 * The run's main latency, the one its report and console lead with: `ack` (Socket.IO), else
 * `request` (raw ws frames), else `sse:first` (token streams), else the scenario's own first
 * declared trend in ms with samples (its own notion of latency: a tick's delivery, a JSON-RPC
 * notification), else a fan-out latency; null when the run timed none of these (then `connect`
 * is all there is, shown beside it anyway).
 */
export function mainLatency(
  r: Pick<RunResult, 'metrics' | 'counters' | 'durationMs'>,
  declared: MetricDeclarations | null = null,
): { name: string; m: MetricSummary } | null {
  const has = (name: string): MetricSummary | null => (r.metrics[name]?.count ? r.metrics[name]! : null);
  for (const name of ROUND_TRIPS) if (has(name)) return { name, m: has(name)! };
  const own = customView(r, declared).trends.filter((t) => ((t.summary as { unit?: unknown }).unit ?? 'ms') === 'ms');
  const first = declared
    ? Object.keys(declared)
        .map((n) => own.find((t) => t.name === n))
        .find((t) => t !== undefined)
    : own[0];
  if (first) return { name: first.name, m: first.summary };
  for (const name of FAN_OUT) if (has(name)) return { name, m: has(name)! };
  return null;
}
