/**
 * The harness-overhead verdicts, from per-round percentiles (pure: bench/overhead.ts measures,
 * bench/overhead/report.ts renders). The rounds are paired: each round runs the minimal client,
 * rtbench and the minimal client again within the same minute, in a rotating order, so the
 * machine's drift between rounds (which moves every client alike) cancels in each round's own
 * ratio b_i ÷ a_i. Each ratio is the median of those per-round ratios, with a bootstrap 95%
 * interval over rounds (seeded). The A/A ratio (the minimal client against a second minimal
 * client, paired the same way) is the noise floor of that ratio on this machine in this run.
 *
 * Per goal (issue 19: p50 within +50 µs of the minimal client's median; p90 within +10%; p99
 * within +15%, or +200 µs if that is larger):
 *  - "not met" when the interval's lower end is beyond the goal;
 *  - "met" only when the interval's upper end is within the goal and so is the A/A interval's
 *    (a run whose own noise floor reaches past the goal cannot tell a pass from noise);
 *  - otherwise "inconclusive on this machine (noise floor ±X%, see A/A)".
 */
import { median } from '../../src/compare/stats.ts';
import { seededRandom } from '../../src/util/random.ts';

export const PERCENTILES = ['p50', 'p90', 'p99'] as const;
export type Pct = (typeof PERCENTILES)[number];
export type Outcome = 'met' | 'not met' | 'inconclusive';

/** A ratio of medians over rounds with its bootstrap 95% interval. */
export interface Ratio {
  ratio: number;
  low: number;
  high: number;
}
export interface GoalVerdict {
  /** rtbench ÷ minimal */
  ratio: Ratio;
  /** minimal ÷ minimal (A/A), the same percentile */
  aa: Ratio;
  /** the largest ratio within the goal */
  bound: number;
  /** the A/A interval's widest distance from 1, in percent */
  noiseFloorPct: number;
  outcome: Outcome;
  /** the verdict in words, as BENCHMARKS.md shows it */
  text: string;
}

/** The goal as a ratio of the minimal client's median: p50 ≤ 1 + 50 µs ÷ it; p90 ≤ 1.10; p99 ≤ max(1.15, 1 + 200 µs ÷ it). */
export function goalBound(p: Pct, minimalMedianMs: number): number {
  if (p === 'p50') return 1 + 0.05 / minimalMedianMs;
  if (p === 'p90') return 1.1;
  return Math.max(1.15, 1 + 0.2 / minimalMedianMs);
}

/** Median of the per-round ratios b_i ÷ a_i, with a bootstrap 95% interval over rounds (resampled with replacement, seeded). */
export function ratioOf(a: number[], b: number[], iterations = 4000, seed = 7): Ratio {
  const per = a.flatMap((x, i) => (x > 0 && b[i] !== undefined ? [b[i]! / x] : []));
  const ratio = median(per);
  if (per.length < 2) return { ratio, low: ratio, high: ratio };
  const r = seededRandom(seed);
  const meds: number[] = [];
  for (let i = 0; i < iterations; i++) meds.push(median(per.map(() => per[Math.floor(r() * per.length)]!)));
  meds.sort((x, y) => x - y);
  return { ratio, low: meds[Math.floor(meds.length * 0.025)]!, high: meds[Math.min(meds.length - 1, Math.floor(meds.length * 0.975))]! };
}

export function verdictFor(p: Pct, minimal: number[], minimal2: number[], rtbench: number[]): GoalVerdict {
  const ratio = ratioOf(minimal, rtbench);
  const aa = ratioOf(minimal, minimal2);
  const bound = goalBound(p, median(minimal));
  const noiseFloorPct = Math.max(aa.high - 1, 1 - aa.low) * 100;
  const outcome: Outcome = ratio.low > bound ? 'not met' : ratio.high <= bound && aa.high <= bound ? 'met' : 'inconclusive';
  const text = outcome === 'inconclusive' ? `inconclusive on this machine (noise floor ±${noiseFloorPct.toFixed(0)}%, see A/A)` : outcome;
  return { ratio, aa, bound, noiseFloorPct, outcome, text };
}

/** Per-round samples of the three clients at one rate → one verdict per percentile. */
export function verdicts(s: {
  minimal: Array<Record<Pct, number>>;
  'minimal-again': Array<Record<Pct, number>>;
  rtbench: Array<Record<Pct, number>>;
}): Record<Pct, GoalVerdict> {
  const col = (xs: Array<Record<Pct, number>>, p: Pct): number[] => xs.map((x) => x[p]);
  const one = (p: Pct): GoalVerdict => verdictFor(p, col(s.minimal, p), col(s['minimal-again'], p), col(s.rtbench, p));
  return { p50: one('p50'), p90: one('p90'), p99: one('p99') };
}

/** The verdict of a rate (or a run): not met if any goal is not met, met if all are, else inconclusive. */
export function overall(outcomes: Outcome[]): Outcome {
  return outcomes.includes('not met') ? 'not met' : outcomes.every((o) => o === 'met') ? 'met' : 'inconclusive';
}

export const fmtRatio = (r: Ratio): string => `${r.ratio.toFixed(2)} [${r.low.toFixed(2)}–${r.high.toFixed(2)}]`;
