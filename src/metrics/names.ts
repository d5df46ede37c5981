/**
 * The names rtbench itself records under, in one place: scenario validation refuses custom metrics
 * that would shadow them, and thresholds on a metric that is neither built in nor declared.
 */

/** Built-in latency metrics (HDR histograms in `metrics`). */
export const BUILTIN_TRENDS: readonly string[] = ['connect', 'reconnect', 'ack', 'broadcast', 'push', 'publish', 'session', 'lag', 'detect', 'recovery', 'request', 'sse:first', 'sse:done', 'sse:gap', 'harness'];

/** Built-in per-name latency families: `ack:<event>`, `request:<name>`, `session:<kind>`. */
export const BUILTIN_TREND_PREFIXES: readonly string[] = ['ack:', 'request:', 'session:'];

/**
 * First segments of built-in counters and threshold subjects (`sessions.started`, `errors.rate`,
 * `checks.failRate`, …) and plain built-in counters: a custom metric may not take these names.
 */
export const RESERVED_NAMES: readonly string[] = [
  'errors', 'sessions', 'messages', 'disconnects', 'recovered', 'every', 'throughput', 'workers', 'checks', 'check',
];

/** True when `metric` (a threshold subject's metric part) is a latency rtbench records itself. */
export function isBuiltinTrend(metric: string): boolean {
  return BUILTIN_TRENDS.includes(metric) || BUILTIN_TREND_PREFIXES.some((p) => metric.startsWith(p) && metric.length > p.length);
}

/** True when a custom metric named `name` would shadow a built-in metric, counter or subject. */
export function isReservedName(name: string): boolean {
  return BUILTIN_TRENDS.includes(name) || RESERVED_NAMES.includes(name);
}

/** Counter keys of checks: all checks, and per check name. */
export const CHECKS_PASS = 'checks.pass';
export const CHECKS_FAIL = 'checks.fail';
export const checkKey = (name: string, outcome: 'pass' | 'fail'): string => `check:${name}.${outcome}`;

/**
 * Counter keys of a custom trend's samples that were not taken as given: negative ones (recorded
 * as 0) and non-finite ones (refused). Any of them makes every threshold on the trend fail.
 */
export const negativeKey = (trend: string): string => `${trend}.negative`;
export const rejectedKey = (trend: string): string => `${trend}.rejected`;

/** Counter keys of a `sessions` mix kind: `session:<kind>.started|completed|failed`. */
export const kindKey = (kind: string, what: 'started' | 'completed' | 'failed'): string => `session:${kind}.${what}`;

/**
 * Numbered server messages whose receivers count `<event>.gaps` (lost), `.duplicates` and
 * `.outOfOrder` (clients/sequence.ts): room broadcasts, per-connection pushes, channel messages.
 */
export const SEQUENCED_EVENTS = ['broadcast', 'push', 'publish'] as const;
