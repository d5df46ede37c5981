import { suggestion } from '../util/suggest.ts';
import type { Threshold } from './parse.ts';

/**
 * The latency metrics rtbench records by itself (see README, "Metrics"); `ack:<event>` and
 * `request:<name>` are one metric per event or request name.
 */
export const BUILTIN_METRICS: readonly string[] = ['connect', 'reconnect', 'ack', 'request', 'broadcast', 'push', 'publish', 'session', 'lag', 'detect', 'recovery'];
const PER_NAME = ['ack:', 'request:'];

/**
 * Threshold subjects that name a metric nobody records: a typo found before any load is sent,
 * with the nearest known name. `declared`: the scenario's own metrics, when it declares some.
 */
export function unknownSubjects(thresholds: readonly Threshold[], declared: readonly string[] = []): string[] {
  const known = new Set([...BUILTIN_METRICS, ...declared]);
  const problems: string[] = [];
  for (const t of thresholds) {
    if (t.parsed.kind !== 'latency') continue;
    const metric = t.parsed.metric;
    if (known.has(metric) || PER_NAME.some((p) => metric.startsWith(p) && metric.length > p.length)) continue;
    problems.push(
      `\`thresholds\` subject \`${t.subject}\`: no metric \`${metric}\`${suggestion(metric, known)}; metrics: ${[...known].join(', ')}, ack:<event>, request:<name>`,
    );
  }
  return problems;
}

/** The metric names a scenario declares in `metrics` (an object keyed by name, or a list of names or `{ name }`). */
export function declaredMetrics(metrics: unknown): string[] {
  if (Array.isArray(metrics)) return metrics.map((m) => (typeof m === 'string' ? m : (m as { name?: unknown } | null)?.name)).filter((n): n is string => typeof n === 'string');
  if (metrics && typeof metrics === 'object') return Object.keys(metrics);
  return [];
}
