import * as hdr from 'hdr-histogram-js';
import type { MetricSummary } from '../result/types.ts';

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

/**
 * A histogram on plain Float64 counts: faster to record into and to read than the packed form,
 * but ~190 KB each whatever it holds. For the few long-lived ones (a generator's interval
 * histograms, the coordinator's run totals); the many per-second ones stay packed.
 */
export function createFlatHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST,
    highestTrackableValue: HIGHEST,
    numberOfSignificantValueDigits: DIGITS,
    bitBucketSize: 64,
    useWebAssembly: false,
    autoResize: false,
  });
}

/**
 * An interval histogram on its way from a generator to the coordinator: only its occupied
 * buckets (index into the shared bucket layout, count), plus the exact extremes. It crosses the
 * IPC channel as two typed arrays (structured clone), so neither side compresses, base64-codes
 * or walks ~23k buckets: the coordinator's cost is per occupied bucket, not per histogram.
 */
export interface SparseHistogram {
  index: Uint32Array;
  count: Float64Array;
  min: number;
  max: number;
}

/** How a histogram travels: the HdrHistogram compressed base64 (results, shards) or sparse (generator IPC). */
export type WireHistogram = string | SparseHistogram;

/**
 * The occupied buckets of `h`. Only [min, max] is walked: the library's `add` walks the whole
 * counts array (~23k buckets for 1 µs–1 h), and interval histograms are sparse.
 */
export function toSparse(h: Histogram): SparseHistogram {
  const src = h as unknown as Indexed;
  if (h.totalCount === 0) return { index: new Uint32Array(0), count: new Float64Array(0), min: 0, max: 0 };
  const lo = src.countsArrayIndex(h.minNonZeroValue);
  const hi = src.countsArrayIndex(h.maxValue);
  const idx: number[] = [];
  const cnt: number[] = [];
  for (let i = lo; i <= hi; i++) {
    const c = src.getCountAtIndex(i);
    if (c > 0) {
      idx.push(i);
      cnt.push(c);
    }
  }
  return { index: Uint32Array.from(idx), count: Float64Array.from(cnt), min: h.minNonZeroValue, max: h.maxValue };
}

/** target += a wire histogram, exactly: counts per bucket, and the exact extremes both sides knew. */
export function mergeWire(target: Histogram, w: WireHistogram): void {
  if (typeof w === 'string') return mergeWire(target, toSparse(decode(w)));
  const n = w.index.length;
  if (n === 0) return;
  const dst = target as unknown as Indexed;
  const min = Math.min(target.minNonZeroValue, w.min);
  const max = Math.max(target.maxValue, w.max);
  for (let i = 0; i < n; i++) target.recordValueWithCount(dst.valueFromIndex(w.index[i]!), w.count[i]!);
  // recording a bucket's value gives its lowest equivalent: put the exact extremes back
  dst.updateMinNonZeroValue(min);
  dst.updatedMaxValue(max);
}

/**
 * A result's metric as a wire histogram with its exact extremes: the encoded form keeps only
 * buckets, so min and max come back from the summary (integer µs, as recorded).
 */
export function fromSummary(m: MetricSummary): WireHistogram {
  const s = toSparse(decode(m.hdr));
  return s.index.length === 0 ? s : { ...s, min: Math.round(m.min * 1000), max: Math.round(m.max * 1000) };
}

/** Record a latency in milliseconds (fractional); out-of-range values clamp instead of throwing. */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(us < LOWEST ? LOWEST : Math.min(us, HIGHEST));
}

/** Compressed base64 (the HdrHistogram interchange format). */
export function encode(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/**
 * Decode a histogram written by `encode` (or any HdrHistogram implementation), into the flat
 * layout: decoded histograms are read (percentiles, curves, merges) and dropped, and reading a
 * packed one costs a lookup per bucket walked (a report's percentile curve took seconds).
 */
export function decode(s: string): Histogram {
  return hdr.decodeFromCompressedBase64(s, 64, false);
}

/** The index-level view of hdr-histogram-js's JsHistogram that a sparse merge needs. */
interface Indexed {
  countsArrayIndex(value: number): number;
  highestEquivalentValue(value: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

const ms = (us: number): number => Math.round(us) / 1000;

/** Percentiles in ms plus the encoded histogram. An empty histogram gives zeros. */
/**
 * The value at percentile `q` (µs), never above the recorded maximum: HDR gives a bucket's highest
 * equivalent value (up to 0.1% above what was recorded), so a p99.9 could exceed the max in a table.
 */
export function valueAt(h: Histogram, q: number): number {
  return Math.min(h.getValueAtPercentile(q), h.maxValue);
}

export function summarize(h: Histogram): MetricSummary {
  if (h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, hdr: encode(h) };
  return {
    count: h.totalCount,
    min: ms(h.minNonZeroValue),
    mean: ms(Math.min(Math.max(h.mean, h.minNonZeroValue), h.maxValue)),
    p50: ms(valueAt(h, 50)),
    p90: ms(valueAt(h, 90)),
    p99: ms(valueAt(h, 99)),
    p999: ms(valueAt(h, 99.9)),
    max: ms(h.maxValue),
    hdr: encode(h),
  };
}

/** Merge summaries of separate runs or shards exactly: decode, add, re-summarize. */
export function mergeMetricSummaries(list: MetricSummary[]): MetricSummary {
  const h = createFlatHistogram();
  for (const s of list) if (s.count > 0) mergeWire(h, fromSummary(s));
  return summarize(h);
}

/**
 * One walk of a histogram's occupied range [min, max] for a live output: how many values are at
 * or below each bound (µs, ascending: the cumulative `le` buckets of a Prometheus histogram),
 * the sum of all values (µs, each at its bucket's lowest equivalent value: within the
 * histogram's precision), and the values at `percentiles` (as `getValueAtPercentile` gives
 * them). The library's `mean` and `getValueAtPercentile` each walk from the first bucket (and
 * `mean` through an iterator): one walk of the occupied range is several times cheaper.
 */
export function cumulativeBuckets(
  h: Histogram,
  boundsUs: readonly number[],
  percentiles: readonly number[] = [],
): { le: number[]; sumUs: number; at: number[] } {
  const le = boundsUs.map(() => 0);
  const at = percentiles.map(() => 0);
  if (h.totalCount === 0) return { le, sumUs: 0, at };
  const src = h as unknown as Indexed;
  const lo = src.countsArrayIndex(h.minNonZeroValue);
  const hi = src.countsArrayIndex(h.maxValue);
  const targets = percentiles.map((p) => Math.max(1, Math.ceil((Math.min(p, 100) / 100) * h.totalCount - 1e-9)));
  let b = 0;
  let q = 0;
  let below = 0;
  let sumUs = 0;
  for (let i = lo; i <= hi; i++) {
    const c = src.getCountAtIndex(i);
    if (c === 0) continue;
    const v = src.valueFromIndex(i);
    while (b < boundsUs.length && v > boundsUs[b]!) le[b++] = below;
    below += c;
    sumUs += v * c;
    while (q < targets.length && below >= targets[q]!) at[q++] = src.highestEquivalentValue(v);
  }
  while (b < boundsUs.length) le[b++] = below;
  return { le, sumUs, at };
}
