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
