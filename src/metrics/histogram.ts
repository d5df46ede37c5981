import * as hdr from 'hdr-histogram-js';
import type { MetricSummary } from '../result.ts';

/** An HDR histogram of latencies. Values are recorded in integer microseconds. */
export type Histogram = hdr.Histogram;

/** 1 µs .. 1 hour at 3 significant digits. */
const LOWEST = 1;
const HIGHEST = 3_600_000_000;
const DIGITS = 3;

/** A new, empty latency histogram (pure JS, packed buckets: small in memory and on the wire). */
export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST,
    highestTrackableValue: HIGHEST,
    numberOfSignificantValueDigits: DIGITS,
    bitBucketSize: 'packed',
    useWebAssembly: false,
    autoResize: false,
  });
}

/** Record a latency in milliseconds (fractional); out-of-range values clamp instead of throwing. */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(us < LOWEST ? LOWEST : us > HIGHEST ? HIGHEST : us);
}

/** Compressed base64 (the HdrHistogram interchange format). */
export function encode(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decode a histogram written by `encode` (or any HdrHistogram implementation). */
export function decode(s: string): Histogram {
  return hdr.decodeFromCompressedBase64(s, 'packed', false);
}

/** The index-level view of hdr-histogram-js's JsHistogram that a sparse merge needs. */
interface Indexed {
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

/**
 * target += source, exactly (same bucket layout on both sides). Only the source's occupied range
 * [min, max] is walked: the library's `add` walks the whole counts array (~5 ms for a 1 µs–1 h
 * range), which is most of the coordinator's cost when it merges a snapshot per generator per
 * second; interval histograms are sparse, so this is one to two orders of magnitude less.
 */
export function mergeInto(target: Histogram, source: Histogram): void {
  if (source.totalCount === 0) return;
  const src = source as unknown as Indexed;
  const lo = src.countsArrayIndex(source.minNonZeroValue);
  const hi = src.countsArrayIndex(source.maxValue);
  for (let i = lo; i <= hi; i++) {
    const c = src.getCountAtIndex(i);
    if (c > 0) target.recordValueWithCount(src.valueFromIndex(i), c);
  }
  // keep the exact extremes, as the library's add does (recording a bucket's value gives its lowest equivalent)
  const dst = target as unknown as Indexed;
  if (source.maxValue > target.maxValue) dst.updatedMaxValue(source.maxValue);
  if (source.minNonZeroValue < target.minNonZeroValue) dst.updateMinNonZeroValue(source.minNonZeroValue);
}

const ms = (us: number): number => Math.round(us) / 1000;

/** Percentiles in ms plus the encoded histogram. An empty histogram gives zeros. */
export function summarize(h: Histogram): MetricSummary {
  if (h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, hdr: encode(h) };
  return {
    count: h.totalCount,
    min: ms(h.minNonZeroValue),
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    hdr: encode(h),
  };
}

/** Merge summaries of separate runs or shards exactly: decode, add, re-summarize. */
export function mergeMetricSummaries(list: MetricSummary[]): MetricSummary {
  const h = createHistogram();
  for (const s of list) mergeInto(h, decode(s.hdr));
  return summarize(h);
}
