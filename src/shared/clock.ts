/**
 * The monotonic clock rtbench measures with: `process.hrtime` (CLOCK_MONOTONIC on Linux),
 * in milliseconds with microsecond resolution. It is system-wide on one host, so a
 * timestamp taken in one process (a sender, the server) can be compared with one taken in
 * another process on the same machine. Across machines it is not comparable.
 */
export function monoMs(): number {
  return performance.now() + HRTIME_AT_ORIGIN_MS;
}

/**
 * `process.hrtime` at `performance.now()`'s origin, in ms: both read the same clock (libuv's
 * `uv_hrtime`, CLOCK_MONOTONIC), so `performance.now() + this` is the host's monotonic clock, to
 * well under a microsecond, without the two BigInts per reading `process.hrtime.bigint()` costs
 * (about 75 bytes of garbage per call, three calls per operation: BENCHMARKS.md, "Harness overhead").
 */
const HRTIME_AT_ORIGIN_MS = ((): number => {
  // the tightest of a few bracketed readings (the first calls run unoptimised, microseconds apart)
  let best = Infinity;
  let origin = 0;
  for (let i = 0; i < 50; i++) {
    const before = performance.now();
    const hr = Number(process.hrtime.bigint()) / 1e6;
    const after = performance.now();
    if (after - before < best) {
      best = after - before;
      origin = hr - (before + after) / 2;
    }
  }
  return origin;
})();

/** Resolve after `ms` (never negative). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Resolve when the monotonic clock reaches `atMs` (returns at once if already past). */
export function sleepUntil(atMs: number): Promise<void> {
  return sleep(atMs - monoMs());
}

/**
 * Now on the shared (reference) clock: `monoMs()` plus a shard's clock offset to the target
 * (the target server's monotonic clock, as `GET /__rtbench/time` reports it, minus ours). Timestamps
 * that cross hosts (a broadcast's send time, the receive time of a broadcast or push) are taken on
 * it; on one host the offset is 0. The offset comes from the run plan, never from module state.
 */
export function sharedMs(offsetMs: number): number {
  return monoMs() + offsetMs;
}
