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
