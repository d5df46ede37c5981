import { seededRandom } from '../util/random.ts';

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Bootstrap 95% confidence interval of median(b) / median(a): resample each group's per-round
 * values with replacement (seeded, so a verdict repeats for the same data).
 */
export function bootstrapRatioCI(a: number[], b: number[], iterations = 4000, seed = 7): { ratio: number; low: number; high: number } {
  const ratio = median(b) / median(a);
  if (a.length < 2 || b.length < 2) return { ratio, low: ratio, high: ratio };
  const r = seededRandom(seed);
  const pick = (xs: number[]): number[] => xs.map(() => xs[Math.floor(r() * xs.length)]!);
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const ma = median(pick(a));
    if (ma > 0) ratios.push(median(pick(b)) / ma);
  }
  ratios.sort((x, y) => x - y);
  return { ratio, low: ratios[Math.floor(ratios.length * 0.025)]!, high: ratios[Math.min(ratios.length - 1, Math.floor(ratios.length * 0.975))]! };
}
