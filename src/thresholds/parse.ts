import { parseDuration } from '../scenario/duration.ts';

/**
 * Threshold expressions. A scenario's `thresholds` maps a **subject** to a **condition** (or to
 * `{ condition, abortOnFail }`):
 *
 * ```text
 * subject    ::= metric "." stat | "errors.rate" | "errors.count" | "sessions.failedRate"
 *              | "throughput" | "workers.imbalance" | "workers.cv" | "workers.maxShare"
 * metric     ::= latency metric name, e.g. connect | ack | ack:<event> | broadcast | push | session | reconnect | lag
 * stat       ::= "p" number            (any percentile, e.g. p50, p95, p99, p99.9)
 *              | "mean" | "min" | "max" | "count"
 * condition  ::= op value
 * op         ::= "<" | "<=" | ">" | ">=" | "=="
 * value      ::= number [ "ms" | "s" | "%" ]      (latencies in ms; "%" divides by 100;
 *                                                   rates are fractions, throughput is msgs/s)
 * ```
 * Examples: `'ack.p99': '< 50ms'`, `'connect.p95': '< 200ms'`, `'errors.rate': '< 1%'`,
 * `'workers.imbalance': '< 1.3'`, `'throughput': '>= 1000'`.
 */
export type Op = '<' | '<=' | '>' | '>=' | '==';

export type Subject =
  | { kind: 'latency'; metric: string; stat: 'mean' | 'min' | 'max' | 'count' | { percentile: number } }
  | { kind: 'run'; name: 'errors.rate' | 'errors.count' | 'sessions.failedRate' | 'throughput' | 'workers.imbalance' | 'workers.cv' | 'workers.maxShare' };

export interface Threshold {
  /** The subject as written, e.g. `ack.p99`. */
  subject: string;
  /** The condition as written, e.g. `< 50ms`. */
  condition: string;
  parsed: Subject;
  op: Op;
  value: number;
  abortOnFail: boolean;
}

const RUN_SUBJECTS = new Set(['errors.rate', 'errors.count', 'sessions.failedRate', 'throughput', 'workers.imbalance', 'workers.cv', 'workers.maxShare']);

/** Parse one threshold; returns an error message naming the problem instead of throwing. */
export function parseThreshold(subject: string, spec: unknown): Threshold | string {
  const s = subject.trim();
  let condition: unknown = spec;
  let abortOnFail = false;
  if (spec && typeof spec === 'object') {
    const o = spec as { condition?: unknown; abortOnFail?: unknown };
    condition = o.condition;
    abortOnFail = o.abortOnFail === true;
  }
  if (typeof condition !== 'string') return `\`thresholds['${s}']\` must be a condition string like '< 50ms' or { condition, abortOnFail }`;
  let parsed: Subject;
  if (RUN_SUBJECTS.has(s)) parsed = { kind: 'run', name: s as Extract<Subject, { kind: 'run' }>['name'] };
  else {
    const dot = s.lastIndexOf('.');
    const metric = dot > 0 ? s.slice(0, dot) : '';
    const stat = dot > 0 ? s.slice(dot + 1) : '';
    // `p99.9`: the last dot belongs to the percentile
    const p999 = /^(.+)\.p(\d+)\.(\d+)$/.exec(s);
    if (p999) parsed = { kind: 'latency', metric: p999[1]!, stat: { percentile: Number(`${p999[2]}.${p999[3]}`) } };
    else if (/^p\d+(\.\d+)?$/.test(stat)) parsed = { kind: 'latency', metric, stat: { percentile: Number(stat.slice(1)) } };
    else if (['mean', 'min', 'max', 'count'].includes(stat)) parsed = { kind: 'latency', metric, stat: stat as 'mean' };
    else return `\`thresholds\` subject \`${s}\` is not one of metric.pNN, metric.mean|min|max|count, ${[...RUN_SUBJECTS].join(', ')}`;
    if (!parsed.metric) return `\`thresholds\` subject \`${s}\` names no metric`;
    if (typeof parsed.stat === 'object' && (parsed.stat.percentile <= 0 || parsed.stat.percentile > 100)) return `\`thresholds\` subject \`${s}\`: percentile must be in (0, 100]`;
  }
  const m = /^\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|%)?\s*$/.exec(condition);
  if (!m) return `\`thresholds['${s}']\` condition \`${condition}\` must look like '< 50ms', '<= 1%', '> 1000'`;
  const unit = m[3];
  let value = Number(m[2]);
  if (unit === 's' || unit === 'ms') value = parseDuration(`${m[2]}${unit}`)!;
  if (unit === '%') value /= 100;
  return { subject: s, condition: condition.trim(), parsed, op: m[1] as Op, value, abortOnFail };
}

/** Parse every threshold of a scenario; all problems at once. `false` turns a threshold (e.g. the default gate) off. */
export function parseThresholds(spec: Record<string, unknown>): { thresholds: Threshold[]; problems: string[] } {
  const thresholds: Threshold[] = [];
  const problems: string[] = [];
  for (const [k, v] of Object.entries(spec)) {
    if (v === false) continue;
    const t = parseThreshold(k, v);
    if (typeof t === 'string') problems.push(t);
    else thresholds.push(t);
  }
  return { thresholds, problems };
}
