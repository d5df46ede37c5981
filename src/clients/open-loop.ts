import { monoMs } from '../shared/clock.ts';

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
 *
 * One timer and one `then` per iteration, no promise of its own and no async frame: this runs
 * once per operation of most scenarios, and its garbage was a third of what the harness added
 * per operation (BENCHMARKS.md, "Harness overhead").
 */
export function openLoop(
  o: { base: number; intervalMs: number; count: number; startAt: (at: number) => void; capped: () => void },
  fn: (i: number) => Promise<void> | void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let running = 0;
    /** A timer is set for iteration `next`, or it waits for a free slot. */
    let waiting = false;
    let failed: { error: unknown } | null = null;
    const settle = (): void => {
      if (running > 0 || waiting) return;
      if (failed !== null) reject(failed.error);
      else if (next >= o.count) resolve();
    };
    const finished = (): void => {
      running--;
      if (waiting && failed === null && running < MAX_OVERLAP && timer === null) {
        waiting = false;
        start();
      } else settle();
    };
    const failedWith = (error: unknown): void => {
      failed ??= { error };
      if (timer === null && waiting) waiting = false; // a slot it waited for will not be used
      finished();
    };
    let timer: NodeJS.Timeout | null = null;
    const schedule = (): void => {
      waiting = true;
      timer = setTimeout(fire, Math.max(0, o.base + next * o.intervalMs - monoMs()));
    };
    const fire = (): void => {
      timer = null;
      if (failed !== null) {
        waiting = false;
        return settle();
      }
      if (running >= MAX_OVERLAP) {
        o.capped();
        return; // `waiting` stays set: the next iteration to finish starts this one
      }
      waiting = false;
      start();
    };
    const start = (): void => {
      if (failed !== null) return settle();
      const i = next++;
      // the iteration's first operation reads the intended clock synchronously: it is timed from `at`
      o.startAt(o.base + i * o.intervalMs);
      running++;
      let r: Promise<void> | void;
      try {
        r = fn(i);
      } catch (error) {
        r = Promise.reject(error);
      }
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(finished, failedWith);
      else finished();
      if (next < o.count && failed === null) schedule();
      else settle();
    };
    if (o.count <= 0) return resolve();
    schedule();
  });
}
