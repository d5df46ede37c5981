import { InputError } from '../shared/errors.ts';
import type { RunFile, RunResult } from '../result/types.ts';
import { table } from '../util/table.ts';
import { bootstrapRatioCI, median } from './stats.ts';

export type Stat = 'p50' | 'p90' | 'p99' | 'p999' | 'mean';
const STATS: readonly Stat[] = ['p50', 'p90', 'p99', 'p999', 'mean'];

/** How much worse a figure may get: latency stats as a fraction up (+0.10), throughput down (-0.05). */
export type Tolerances = Partial<Record<Stat | 'throughput', number>>;

export const DEFAULT_TOLERANCES: Tolerances = { p99: 0.1, throughput: -0.05 };

/** Parse `p99=+10%,throughput=-5%`. */
export function parseTolerances(spec: string | undefined): Tolerances {
  if (!spec) return { ...DEFAULT_TOLERANCES };
  const out: Tolerances = {};
  const problems: string[] = [];
  for (const part of spec
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^(p50|p90|p99|p999|mean|throughput)=([+-]?\d+(?:\.\d+)?)%$/.exec(part);
    if (!m) problems.push(`\`${part}\` is not like p99=+10% or throughput=-5% (keys: ${[...STATS, 'throughput'].join(', ')})`);
    else out[m[1] as Stat] = Number(m[2]) / 100;
  }
  if (problems.length) throw new InputError('E_USAGE', 'invalid `--max`', { details: problems, hint: 'e.g. --max p99=+10%,throughput=-5%' });
  return out;
}

/** One compared figure. */
export interface CompareRow {
  topology: string;
  subject: string;
  baseline: number;
  current: number;
  /** current / baseline (medians across rounds when there are rounds). */
  ratio: number;
  /** 95% bootstrap interval of the ratio, when both sides have ≥ 3 rounds. */
  ci: { low: number; high: number } | null;
  limit: number;
  /** regression: worse beyond the tolerance; worse: worse with confidence but within it; ok: no clear difference. */
  verdict: 'ok' | 'worse' | 'regression' | 'improved';
  /** Strong: decided on per-round values with a confidence interval; weak: single values. */
  strength: 'strong' | 'weak';
}

const EXCLUDED: ReadonlySet<string> = new Set(['lag', 'session']); // generator schedule lag and scenario-shaped session time (and `session:<kind>`)

function values(r: RunResult, pick: (f: NonNullable<RunResult['rounds']>[number]) => number | undefined): number[] {
  return (r.rounds ?? []).map(pick).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function row(topology: string, subject: string, base: number[], cur: number[], single: [number, number], tol: number, higherIsWorse: boolean): CompareRow {
  const strong = base.length >= 3 && cur.length >= 3;
  const baseline = strong ? median(base) : single[0];
  const current = strong ? median(cur) : single[1];
  const ratio = baseline > 0 ? current / baseline : current > 0 ? Infinity : 1;
  const ci = strong ? bootstrapRatioCI(base, cur) : null;
  const limit = 1 + tol;
  // a regression must be beyond the tolerance with confidence (the whole interval), or plainly with single rounds
  const worse = higherIsWorse ? (ci ? ci.low > limit : ratio > limit) : ci ? ci.high < limit : ratio < limit;
  const better = higherIsWorse ? (ci ? ci.high < 1 : ratio < 1) : ci ? ci.low > 1 : ratio > 1;
  const somewhatWorse = higherIsWorse ? (ci ? ci.low > 1 : ratio > 1) : ci ? ci.high < 1 : ratio < 1;
  const verdict = worse ? 'regression' : better ? 'improved' : somewhatWorse ? 'worse' : 'ok';
  return { topology, subject, baseline, current, ratio, ci: ci ? { low: ci.low, high: ci.high } : null, limit, verdict, strength: strong ? 'strong' : 'weak' };
}

/**
 * Pair each current run with the baseline run of the same topology. Different topologies are
 * paired (one run on each side) only with `crossTopology` (`--cross-topology`): `single` against
 * `external` compares two different servers, which is rarely what was meant.
 */
function pairRuns(baseline: RunFile, current: RunFile, crossTopology: boolean): Array<[RunResult, RunResult]> {
  const pairs: Array<[RunResult, RunResult]> = [];
  for (const cur of current.runs) {
    const same = baseline.runs.find((b) => b.topology === cur.topology);
    if (same) pairs.push([same, cur]);
  }
  if (pairs.length > 0 || baseline.runs.length === 0 || current.runs.length === 0) return pairs;
  const list = (f: RunFile): string => f.runs.map((r) => `\`${r.topology}\``).join(', ');
  if (!crossTopology || baseline.runs.length !== 1 || current.runs.length !== 1) {
    throw new InputError('E_COMPARE_TOPOLOGY', `the results share no topology: baseline ran ${list(baseline)}, current ran ${list(current)}`, {
      hint:
        baseline.runs.length === 1 && current.runs.length === 1
          ? 'compare results of the same topology, or pass --cross-topology to pair these two anyway'
          : 'compare results of the same topology (--cross-topology pairs only single-run results)',
    });
  }
  return [[baseline.runs[0]!, current.runs[0]!]];
}

/** Compare a current result with a baseline, topology by topology. */
export function compareResults(
  baseline: RunFile,
  current: RunFile,
  tol: Tolerances = DEFAULT_TOLERANCES,
  opts: { crossTopology?: boolean } = {},
): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const [base, cur] of pairRuns(baseline, current, opts.crossTopology ?? false)) {
    for (const stat of STATS) {
      const t = tol[stat];
      if (t === undefined) continue;
      for (const m of Object.keys(cur.metrics)) {
        if (EXCLUDED.has(m) || m.startsWith('session:') || !base.metrics[m]?.count || !cur.metrics[m]?.count) continue;
        rows.push(
          row(
            cur.topology,
            `${m}.${stat}`,
            values(base, (f) => f.metrics[m]?.[stat]),
            values(cur, (f) => f.metrics[m]?.[stat]),
            [base.metrics[m]![stat], cur.metrics[m]![stat]],
            t,
            true,
          ),
        );
      }
    }
    if (tol.throughput !== undefined) {
      const tp = (r: RunResult): number => ((r.counters['messages.sent'] ?? 0) + (r.counters['messages.received'] ?? 0)) / Math.max(0.001, r.durationMs / 1000);
      rows.push(
        row(
          cur.topology,
          'throughput',
          values(base, (f) => f.throughput),
          values(cur, (f) => f.throughput),
          [tp(base), tp(cur)],
          tol.throughput,
          false,
        ),
      );
    }
  }
  return rows;
}

/**
 * What makes a comparison of these two results unfair, one line each (empty when none): runs of
 * different lengths (latency tails and throughput depend on it), and a side whose generator
 * limited the measurement (its latencies include the generator's own delay).
 */
export function compareCaveats(baseline: RunFile, current: RunFile, opts: { crossTopology?: boolean } = {}): string[] {
  const out: string[] = [];
  const secs = (ms: number): string => `${+(ms / 1000).toFixed(1)}s`;
  for (const [base, cur] of pairRuns(baseline, current, opts.crossTopology ?? false)) {
    const [a, b] = [base.durationMs, cur.durationMs];
    if (Math.max(a, b) > 0 && Math.abs(a - b) / Math.max(a, b) > 0.1) {
      out.push(
        `${cur.topology}: the runs differ in length (baseline ${secs(a)}, current ${secs(b)}): tails and throughput are not like for like; run both with the same --duration`,
      );
    }
    for (const [side, r] of [
      ['baseline', base],
      ['current', cur],
    ] as const) {
      const sat = r.generator?.saturation;
      const verdict = sat?.verdict ?? (sat?.saturated ? 'generator' : 'ok');
      if (verdict === 'generator')
        out.push(
          `${cur.topology}: the ${side} run's generator was saturated: its latencies include the generator's own delay (more --generators, or a lighter load)`,
        );
      else if (verdict === 'host')
        out.push(`${cur.topology}: the ${side} run's host was busy: its latencies include scheduling delay from other work on the machine`);
    }
  }
  return out;
}

/** The words a verdict is printed with (console, HTML comparison report). */
export function verdictWord(v: CompareRow['verdict']): string {
  return v === 'regression' ? 'REGRESSION' : v === 'worse' ? 'worse (within limit)' : v === 'ok' ? 'no clear difference' : v;
}

const pct = (x: number): string => `${x >= 1 ? '+' : ''}${((x - 1) * 100).toFixed(1)}%`;

/** The comparison table; says when the verdict is weak (single rounds). */
export function formatCompare(rows: CompareRow[], labels: [string, string] = ['baseline', 'current']): string {
  const t = [['topology', 'figure', labels[0], labels[1], 'delta', '95% CI', 'limit', 'verdict']];
  for (const r of rows) {
    t.push([
      r.topology,
      r.subject,
      r.baseline.toFixed(2),
      r.current.toFixed(2),
      pct(r.ratio),
      r.ci ? `${pct(r.ci.low)}..${pct(r.ci.high)}` : '-',
      pct(r.limit),
      verdictWord(r.verdict),
    ]);
  }
  const weak = rows.some((r) => r.strength === 'weak');
  const regressions = rows.filter((r) => r.verdict === 'regression').length;
  return [
    table(t),
    weak
      ? "  note: single-round figures: the verdict is WEAK (one run's p99 moves by tens of percent on a shared machine); record rounds with `rtbench run --repeat 5` on both sides"
      : '  verdicts use per-round medians and a 95% bootstrap interval',
    regressions ? `  ${regressions} regression(s) beyond tolerance` : '  no regression beyond tolerance',
  ].join('\n');
}
