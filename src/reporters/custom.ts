import { isBuiltinTrend, isReservedName } from '../metrics/names.ts';
import type { MetricSummary, RunFile, RunResult } from '../result/types.ts';
import type { MetricDeclarations } from '../metrics/declared.ts';

/** A run's custom figures (issue 12, parts 3 and 5), read back from its metrics and counters. */
export interface CustomView {
  /** Declared trends that recorded something (HDR, ms). */
  trends: Array<{ name: string; summary: MetricSummary }>;
  /** Declared counters that counted something, with their rate per second of the run. */
  counters: Array<{ name: string; count: number; perSecond: number }>;
  /** All checks, and each check by name; null when no check ran. */
  checks: { pass: number; fail: number; byName: Array<{ name: string; pass: number; fail: number }> } | null;
  /** Trends with samples not taken as given: negative (recorded as 0) or not finite (refused); their thresholds fail. Custom trends, and the built-in server-stamped ones (`push`, `broadcast`, `publish`). */
  biased: Array<{ name: string; negative: number; rejected: number }>;
  /** The kinds of a `sessions` mix: counts and the `session:<kind>` duration. */
  kinds: Array<{ name: string; started: number; completed: number; failed: number; duration: MetricSummary | null }>;
}

const CHECK = /^check:(.+)\.(pass|fail)$/;
const KIND = /^session:(.+)\.(started|completed|failed)$/;
const BIAS = /^(.+)\.(negative|rejected)$/;

/** The scenario's metric declarations as written into a result file (`scenario.options.metrics`), or null for older files. */
export function declaredIn(file: Pick<RunFile, 'scenario'>): MetricDeclarations | null {
  const m = (file.scenario.options as { metrics?: unknown } | null)?.metrics;
  return m && typeof m === 'object' ? (m as MetricDeclarations) : null;
}

/**
 * A run's custom figures. With the declarations (`declaredIn(file)`) they are exact; without, a
 * custom name is told apart by its form: no `.` or `:`, and not a built-in name (validation
 * refuses those).
 */
export function customView(r: Pick<RunResult, 'metrics' | 'counters' | 'durationMs'>, declared: MetricDeclarations | null = null): CustomView {
  const seconds = r.durationMs / 1000;
  const isCustom = (name: string, kind: 'trend' | 'counter'): boolean =>
    declared ? Object.hasOwn(declared, name) && declared[name] === kind : !/[.:]/.test(name) && !isReservedName(name) && !isBuiltinTrend(name);
  const trends = Object.entries(r.metrics)
    .filter(([name, m]) => m.count > 0 && isCustom(name, 'trend'))
    .map(([name, summary]) => ({ name, summary }));
  const counters: CustomView['counters'] = [];
  const byName = new Map<string, { name: string; pass: number; fail: number }>();
  const kinds = new Map<string, CustomView['kinds'][number]>();
  const biased = new Map<string, CustomView['biased'][number]>();
  for (const [key, n] of Object.entries(r.counters)) {
    const bias = BIAS.exec(key);
    // a custom trend's, or a built-in server-stamped one's (`push.negative`: the server's `ts` is not on rtbench's clock)
    if (bias && n > 0 && (isCustom(bias[1]!, 'trend') || isBuiltinTrend(bias[1]!))) {
      const b = biased.get(bias[1]!) ?? { name: bias[1]!, negative: 0, rejected: 0 };
      b[bias[2] as 'negative' | 'rejected'] += n;
      biased.set(b.name, b);
      continue;
    }
    const check = CHECK.exec(key);
    const kind = KIND.exec(key);
    if (check) {
      const c = byName.get(check[1]!) ?? { name: check[1]!, pass: 0, fail: 0 };
      c[check[2] as 'pass' | 'fail'] += n;
      byName.set(c.name, c);
    } else if (kind) {
      const k = kinds.get(kind[1]!) ?? { name: kind[1]!, started: 0, completed: 0, failed: 0, duration: r.metrics[`session:${kind[1]}`] ?? null };
      k[kind[2] as 'started' | 'completed' | 'failed'] += n;
      kinds.set(k.name, k);
    } else if (isCustom(key, 'counter')) counters.push({ name: key, count: n, perSecond: seconds > 0 ? n / seconds : 0 });
  }
  const pass = r.counters['checks.pass'] ?? 0;
  const fail = r.counters['checks.fail'] ?? 0;
  return {
    trends,
    counters: counters.sort((a, b) => a.name.localeCompare(b.name)),
    // failing checks first, then by name
    checks:
      pass + fail > 0
        ? { pass, fail, byName: [...byName.values()].sort((a, b) => Number(b.fail > 0) - Number(a.fail > 0) || a.name.localeCompare(b.name)) }
        : null,
    biased: [...biased.values()].sort((a, b) => a.name.localeCompare(b.name)),
    kinds: [...kinds.values()],
  };
}

/** One line on a trend whose samples were not all taken as given (console and Markdown). */
export function biasText(b: CustomView['biased'][number]): string {
  const what = [
    ...(b.negative ? [`${b.negative} negative samples recorded as 0 (${b.name}.negative)`] : []),
    ...(b.rejected ? [`${b.rejected} non-finite samples refused (${b.name}.rejected)`] : []),
  ];
  const why =
    isBuiltinTrend(b.name) && b.negative
      ? ` (the server's \`ts\` is not on rtbench's clock: stamp with the host's monotonic clock in ms, in Node Number(process.hrtime.bigint()) / 1e6, not Date.now())`
      : '';
  return `WARN trend ${b.name}: ${what.join(', ')}: its figures are biased and every threshold on it fails${why}`;
}

/** Checks listed one by one in the console (the rest are counted in one line). */
export const SHOWN_CHECKS = 20;

const pct = (fail: number, pass: number): string => `${+((100 * fail) / Math.max(1, pass + fail)).toFixed(2)}%`;
const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** The console lines of a run's custom figures (trends are in the metric table already); empty when none. */
export function customLines(r: Pick<RunResult, 'metrics' | 'counters' | 'durationMs'>, declared: MetricDeclarations | null = null): string[] {
  const v = customView(r, declared);
  const lines: string[] = [];
  for (const b of v.biased) lines.push(`  ${biasText(b)}`);
  if (v.counters.length) lines.push(`  counters: ${v.counters.map((c) => `${c.name} ${c.count} (${+c.perSecond.toFixed(1)}/s)`).join(', ')}`);
  if (v.checks) {
    lines.push(`  checks: ${v.checks.pass} passed, ${v.checks.fail} failed (${pct(v.checks.fail, v.checks.pass)} failed)`);
    for (const c of v.checks.byName.slice(0, SHOWN_CHECKS)) lines.push(`    ${c.fail ? 'FAIL' : 'ok  '} ${c.name}: ${c.pass} passed, ${c.fail} failed`);
    if (v.checks.byName.length > SHOWN_CHECKS) lines.push(`    … and ${v.checks.byName.length - SHOWN_CHECKS} more checks (all in result.json)`);
  }
  if (v.kinds.length) {
    lines.push('  sessions by kind:');
    for (const k of v.kinds) {
      const d = k.duration?.count ? `, duration p50 ${fmt(k.duration.p50)}ms p99 ${fmt(k.duration.p99)}ms` : '';
      lines.push(`    ${k.name}: ${k.started} started, ${k.completed} completed, ${k.failed} failed${d}`);
    }
  }
  return lines;
}
