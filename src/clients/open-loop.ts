import { sleepUntil } from '../shared/clock.ts';

/** Most iterations of one `every()` in flight at once (a stall longer than this many intervals waits). */
export const MAX_OVERLAP = 1024;

/**
 * `client.every()`: iteration i starts at its scheduled time `base + i × intervalMs` whether or
 * not earlier ones have finished (at most MAX_OVERLAP at once). A closed loop would send the
 * iterations missed during a server stall one after the other after it, each waiting for the
 * last, and their latencies would carry that self-made queue instead of the server's (coordinated
 * omission in the catch-up; see BENCHMARKS.md). The first iteration that throws stops the
 * schedule; the loop rethrows it once the iterations already started have settled.
 *
 * `startAt(at)` runs just before each iteration starts: the session client moves its intended
 * clock there, so the iteration's first operation is timed from `at`.
 */
export async function openLoop(
  o: { base: number; intervalMs: number; count: number; startAt: (at: number) => void; capped: () => void },
  fn: (i: number) => Promise<void> | void,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failed: { error: unknown } | null = null;
  for (let i = 0; i < o.count && failed === null; i++) {
    const at = o.base + i * o.intervalMs;
    await sleepUntil(at);
    if (running.size >= MAX_OVERLAP) {
      o.capped();
      await Promise.race(running);
    }
    if (failed !== null) break;
    // the iteration's first operation reads the intended clock synchronously: it is timed from `at`
    o.startAt(at);
    const p: Promise<void> = (async () => fn(i))().then(
      () => void running.delete(p),
      (error: unknown) => {
        running.delete(p);
        failed ??= { error };
      },
    );
    running.add(p);
  }
  await Promise.all(running);
  if (failed !== null) throw (failed as { error: unknown }).error;
}
