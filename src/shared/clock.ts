/**
 * The monotonic clock rtbench measures with: `process.hrtime` (CLOCK_MONOTONIC on Linux),
 * in milliseconds with microsecond resolution. It is system-wide on one host, so a
 * timestamp taken in one process (a sender, the server) can be compared with one taken in
 * another process on the same machine. Across machines it is not comparable.
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

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
