/**
 * The names rtbench itself records under, in one place: scenario validation refuses custom metrics
 * that would shadow them, and thresholds on a metric that is neither built in nor declared.
 */

/** Built-in latency metrics (HDR histograms in `metrics`). */
export const BUILTIN_TRENDS: readonly string[] = [
  'connect',
  'reconnect',
  'ack',
  'broadcast',
  'push',
  'publish',
  'session',
  'lag',
  'detect',
  'recovery',
  'recovery:online',
  'request',
  'sse:first',
  'sse:done',
  'sse:gap',
  'harness',
];

/** Built-in per-name latency families: `ack:<event>`, `request:<name>`, `session:<kind>`. */
export const BUILTIN_TREND_PREFIXES: readonly string[] = ['ack:', 'request:', 'session:'];

/**
 * First segments of built-in counters and threshold subjects (`sessions.started`, `errors.rate`,
 * `checks.failRate`, …) and plain built-in counters: a custom metric may not take these names.
 */
export const RESERVED_NAMES: readonly string[] = [
  'errors',
  'sessions',
  'messages',
  'disconnects',
  'recovered',
  'every',
  'throughput',
  'workers',
  'checks',
  'check',
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

/**
 * Counters of a scenario's `sequences` entry `<name>` (src/clients/delivery.ts): `seq:<name>.received`,
 * `.lost`, `.duplicates`, `.outOfOrder`, `.replayed`; `.unreadable` (an event of the sequence without a
 * whole-number seq), `.negative` and `.rejected` (`sentAt` stamps ahead of our clock, or on no clock
 * rtbench knows: left out of the trend `seq:<name>`, whose thresholds then fail).
 */
export type SeqCounter = 'received' | 'lost' | 'duplicates' | 'outOfOrder' | 'replayed' | 'unreadable' | 'negative' | 'rejected';
export const SEQ_PREFIX = 'seq:';
export const seqKey = (name: string, what: SeqCounter): string => `${SEQ_PREFIX}${name}.${what}`;

/**
 * How automatic reconnections ended: `recovery.resumed` (the session came back: Socket.IO's
 * connection-state recovery), `recovery.fresh` (connected again as a new session), `recovery.never`
 * (gave up, or the session ended still disconnected).
 */
export const RECOVERY_RESUMED = 'recovery.resumed';
export const RECOVERY_FRESH = 'recovery.fresh';
export const RECOVERY_NEVER = 'recovery.never';
/** Trend: recovery time from the end of a network fault's `offline` time (from the disconnect when there was none). */
export const RECOVERY_ONLINE = 'recovery:online';

/** Clients a network fault hit (counted by the generators, per fault window). */
export const NETWORK_HIT = 'network.hit';
