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

let sharedOffsetMs = 0;

/**
 * Set this process's offset to the reference clock (the target server's monotonic clock, as
 * `GET /__rtbench/time` reports it), measured by a shard before its load starts. Timestamps that
 * cross hosts (a broadcast's send time, the receive time of a broadcast or push) are taken on the
 * shared clock; on one host the offset stays 0 and nothing changes.
 */
export function setSharedClockOffset(ms: number): void {
  sharedOffsetMs = Number.isFinite(ms) ? ms : 0;
}

/** The offset set by `setSharedClockOffset` (0 unless this is a shard with a clock estimate). */
export function sharedClockOffset(): number {
  return sharedOffsetMs;
}

/** Now on the shared (reference) clock: `monoMs()` plus the shard's clock offset. */
export function sharedMs(): number {
  return monoMs() + sharedOffsetMs;
}
