/** Summary of one HDR histogram. All times are milliseconds. */
export interface MetricSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** The histogram itself, `encodeIntoCompressedBase64` of hdr-histogram-js (values in microseconds). */
  hdr: string;
}
