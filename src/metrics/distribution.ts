import type { WorkerDistribution } from '../result/types.ts';

/** ln Γ(x) (Lanczos). */
function lnGamma(x: number): number {
  const g = [
    676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = 0.9999999999998099;
  const t = x + 7.5;
  for (let i = 0; i < 8; i++) a += g[i]! / (x + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(s, x) (series for x < s+1, continued fraction otherwise). */
function gammaQ(s: number, x: number): number {
  if (x <= 0) return 1;
  const lg = lnGamma(s);
  if (x < s + 1) {
    let sum = 1 / s;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (s + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + s * Math.log(x) - lg));
  }
  let b = x + 1 - s;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + s * Math.log(x) - lg) * h);
}

/** Chi-square goodness of fit of `counts` against a uniform distribution: statistic, df, p-value. */
export function chiSquareUniform(counts: number[]): { statistic: number; df: number; pValue: number } | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.length < 2 || total === 0) return null;
  const expected = total / counts.length;
  const statistic = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
  const df = counts.length - 1;
  return { statistic: round(statistic, 3), df, pValue: gammaQ(df / 2, statistic / 2) };
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** max/mean and coefficient of variation of per-worker counts. */
export function imbalance(counts: number[]): { maxOverMean: number | null; cv: number | null } {
  if (counts.length === 0) return { maxOverMean: null, cv: null };
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  if (mean === 0) return { maxOverMean: null, cv: null };
  const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / counts.length;
  return { maxOverMean: round(Math.max(...counts) / mean, 3), cv: round(Math.sqrt(variance) / mean, 3) };
}

/**
 * The worker distribution of a run: connections per worker (workers the server knows about but
 * no client reached count as 0), imbalance figures, chi-square against uniform, the share on the
 * busiest worker, and stickiness from reconnect counters.
 */
export function distribution(
  connections: Record<string, number>,
  unidentified: number,
  knownWorkers: string[] = [],
  reconnect = { same: 0, other: 0 },
): WorkerDistribution {
  const all: Record<string, number> = {};
  for (const id of knownWorkers) all[id] = 0;
  for (const [id, n] of Object.entries(connections)) all[id] = (all[id] ?? 0) + n;
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
  const counts = Object.values(sorted);
  const total = counts.reduce((a, b) => a + b, 0);
  const moved = reconnect.same + reconnect.other;
  return {
    connections: sorted,
    unidentified,
    ...imbalance(counts),
    maxShare: total > 0 ? round(Math.max(...counts) / total, 4) : null,
    chiSquare: chiSquareUniform(counts),
    stickiness: moved > 0 ? round(reconnect.same / moved, 4) : null,
  };
}
