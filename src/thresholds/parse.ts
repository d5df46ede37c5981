import { suggestion } from '../shared/suggest.ts';
import type { MetricDeclarations } from '../metrics/declared.ts';
import { isDeliveryRate, parseDeliverySubject, RECOVERY_STATS, SEQ_STATS, type DeliverySubject } from './delivery.ts';

/**
 * Threshold expressions. A scenario's `thresholds` maps a **subject** to a **condition** (or to
 * `{ condition, abortOnFail }`):
 *
 * ```text
 * subject    ::= metric "." stat | counter "." ("count" | "rate") | checks "." checkStat
 *              | "errors.rate" | "errors.count" | "sessions.failedRate"
 *              | "throughput" | "workers.imbalance" | "workers.cv" | "workers.maxShare"
 *              | delivery     (seq:<name>.lossRate, recovery.resumedRate, …: src/thresholds/delivery.ts)
 * metric     ::= latency metric name, e.g. connect | ack | ack:<event> | broadcast | push | session
 *              | session:<kind> | reconnect | lag | harness | seq:<name> (a `sequences` entry with sentAt),
 *              or a trend declared in the scenario's `metrics`
 * counter    ::= a counter declared in the scenario's `metrics` (rate: per second of the run)
 * checks     ::= "checks" | "check:" name          (all checks, or the check `name`)
 * checkStat  ::= "failRate" | "passRate" | "failed" | "passed"
 * stat       ::= "p" number            (any percentile, e.g. p50, p95, p99, p99.9)
 *              | "mean" | "min" | "max" | "count"
 * condition  ::= op value
 * op         ::= "<" | "<=" | ">" | ">=" | "=="
 * value      ::= number [ "ms" | "s" | "%" ]      (latencies in ms; "%" divides by 100;
 *                                                   rates are fractions, throughput is msgs/s)
 * ```
 * Examples: `'ack.p99': '< 50ms'`, `'connect.p95': '< 200ms'`, `'errors.rate': '< 1%'`,
 * `'workers.imbalance': '< 1.3'`, `'throughput': '>= 1000'`, `'fanout.p99': '< 100ms'`,
 * `'delivered.count': '> 0'`, `'checks.failRate': '< 1%'`, `'check:got reply.failed': '== 0'`.
 */
export type Op = '<' | '<=' | '>' | '>=' | '==';

export type CheckStat = 'failRate' | 'passRate' | 'failed' | 'passed';

export type Subject =
  | { kind: 'latency'; metric: string; stat: 'mean' | 'min' | 'max' | 'count' | { percentile: number } }
  | { kind: 'counter'; name: string; stat: 'count' | 'rate' }
  | { kind: 'checks'; check: string | null; stat: CheckStat }
  | DeliverySubject
  | { kind: 'run'; name: 'errors.rate' | 'errors.count' | 'sessions.failedRate' | 'throughput' | 'workers.imbalance' | 'workers.cv' | 'workers.maxShare' };

/** How a subject's figure reads: ms, a fraction (shown as %), a plain number, or a count per second. */
export type SubjectUnit = 'ms' | 'fraction' | 'number' | 'perSecond';

const CHECK_STATS: readonly CheckStat[] = ['failRate', 'passRate', 'failed', 'passed'];

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

const RUN_SUBJECTS: ReadonlySet<string> = new Set([
  'errors.rate',
  'errors.count',
  'sessions.failedRate',
  'throughput',
  'workers.imbalance',
  'workers.cv',
  'workers.maxShare',
]);

/**
 * Parse one threshold; returns an error message naming the problem instead of throwing.
 * `metrics` (the scenario's declarations) makes `<counter>.count|rate` a counter subject.
 */
export function parseThreshold(subject: string, spec: unknown, metrics: MetricDeclarations = {}): Threshold | string {
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
  const dot = s.lastIndexOf('.');
  const head = dot > 0 ? s.slice(0, dot) : '';
  const tail = dot > 0 ? s.slice(dot + 1) : '';
  const delivery = parseDeliverySubject(head, tail);
  if (RUN_SUBJECTS.has(s)) parsed = { kind: 'run', name: s as Extract<Subject, { kind: 'run' }>['name'] };
  else if (delivery) parsed = delivery;
  else if (head === 'checks' || head.startsWith('check:')) {
    if (!CHECK_STATS.includes(tail as CheckStat))
      return `\`thresholds\` subject \`${s}\`: a check's figure is one of ${CHECK_STATS.join(', ')} (e.g. \`checks.failRate\`)`;
    const check = head === 'checks' ? null : head.slice('check:'.length);
    if (check === '') return `\`thresholds\` subject \`${s}\` names no check: write \`check:<name>.${tail}\``;
    parsed = { kind: 'checks', check, stat: tail as CheckStat };
  } else if (Object.hasOwn(metrics, head) && metrics[head] === 'counter') {
    if (tail !== 'count' && tail !== 'rate')
      return `\`thresholds\` subject \`${s}\`: \`${head}\` is a counter (in \`metrics\`): use \`${head}.count\` or \`${head}.rate\` (per second)`;
    parsed = { kind: 'counter', name: head, stat: tail };
  } else {
    const metric = head;
    const stat = tail;
    // `p99.9`: the last dot belongs to the percentile
    const p999 = /^(.+)\.p(\d+)\.(\d+)$/.exec(s);
    if (p999) parsed = { kind: 'latency', metric: p999[1]!, stat: { percentile: Number(`${p999[2]}.${p999[3]}`) } };
    else if (/^p\d+(\.\d+)?$/.test(stat)) parsed = { kind: 'latency', metric, stat: { percentile: Number(stat.slice(1)) } };
    else if (['mean', 'min', 'max', 'count'].includes(stat)) parsed = { kind: 'latency', metric, stat: stat as 'mean' };
    else if (head === 'recovery' || head.startsWith('seq:')) {
      const stats = head === 'recovery' ? RECOVERY_STATS : SEQ_STATS;
      return `\`thresholds\` subject \`${s}\`: \`${head}\` has no figure \`${stat}\`${suggestion(stat, stats)}: it has ${stats.join(', ')}, or a time such as \`${head}.p99\``;
    } else
      return `\`thresholds\` subject \`${s}\`${suggestion(s, RUN_SUBJECTS)} is not one of metric.pNN, metric.mean|min|max|count, ${[...RUN_SUBJECTS].join(', ')}`;
    if (!parsed.metric) return `\`thresholds\` subject \`${s}\` names no metric`;
    if (typeof parsed.stat === 'object' && (parsed.stat.percentile <= 0 || parsed.stat.percentile > 100))
      return `\`thresholds\` subject \`${s}\`: percentile must be in (0, 100]`;
  }
  const m = /^\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|%)?\s*$/.exec(condition);
  if (!m) return `\`thresholds['${s}']\` condition \`${condition}\` must look like '< 50ms', '<= 1%', '> 1000'`;
  const unit = m[3];
  const n = Number(m[2]);
  const value = unit === 's' ? n * 1000 : unit === '%' ? n / 100 : n;
  if (!Number.isFinite(value)) return `\`thresholds['${s}']\` condition \`${condition}\`: ${m[2]} is not a finite number`;
  return { subject: s, condition: condition.trim(), parsed, op: m[1] as Op, value, abortOnFail };
}

/** The unit of a parsed subject's figure. */
export function subjectUnit(p: Subject): SubjectUnit {
  if (p.kind === 'latency') return p.stat === 'count' ? 'number' : 'ms';
  if (p.kind === 'counter') return p.stat === 'count' ? 'number' : 'perSecond';
  if (p.kind === 'checks') return p.stat === 'failed' || p.stat === 'passed' ? 'number' : 'fraction';
  if (p.kind === 'delivery') return isDeliveryRate(p) ? 'fraction' : 'number';
  if (p.name === 'errors.count' || (p.name.startsWith('workers.') && p.name !== 'workers.maxShare')) return 'number';
  return p.name === 'throughput' ? 'perSecond' : 'fraction';
}

/** Parse every threshold of a scenario; all problems at once. `metrics`: the scenario's declarations. */
export function parseThresholds(spec: Record<string, unknown>, metrics: MetricDeclarations = {}): { thresholds: Threshold[]; problems: string[] } {
  const thresholds: Threshold[] = [];
  const problems: string[] = [];
  for (const [k, v] of Object.entries(spec)) {
    if (v === false) continue; // a threshold turned off (e.g. the default gate)
    const t = parseThreshold(k, v, metrics);
    if (typeof t === 'string') problems.push(t);
    else thresholds.push(t);
  }
  return { thresholds, problems };
}
