/** Shapes the benchmarks write to bench/results/*.json and bench/index.ts reads back. */

/** A latency distribution in ms. */
export interface Dist {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One row of the "Goals at a glance" table: a figure, its goal, and whether it was met (null: not measured). */
export interface Figure {
  bench: string;
  figure: string;
  value: string;
  goal: string;
  met: boolean | null;
  /** the verdict in words when neither PASS nor MISS is true (e.g. "inconclusive …"); shown instead of PASS / MISS / not run */
  verdictText?: string;
  /** when it was measured */
  date?: string;
}
