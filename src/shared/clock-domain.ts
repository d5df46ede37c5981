/**
 * Which clock a sender's timestamp was taken on, and its age on ours: a timestamp read from a
 * message (a `sequences` entry's `sentAt`) may be wall-clock ms (`Date.now()`), this host's
 * monotonic clock (rtbench's `monoMs`, the reference server's stamps), or something else
 * (seconds, `performance.now()` of another process, whose origin is that process's start).
 * Wall-clock stamps are converted (age = wall clock now − stamp; 1 ms resolution, and across
 * hosts as good as their clock sync); monotonic ones are compared on the shared clock; anything
 * else is refused with the reason, never clamped to 0. A negative age is returned as it is: the
 * caller counts it apart (a clock ahead of ours), it is not a latency of 0.
 */

/** How far from now a wall-clock stamp may be (a day: ms since 1970 are far from any other clock's values). */
const WINDOW_MS = 86_400_000;
/**
 * Ages taken as this host's monotonic clock: from a minute ahead to five minutes old. Narrow on
 * purpose: another process's `performance.now()` is the monotonic clock minus that process's
 * start, so only a stamp close to ours can be told apart from it (a process started in the last
 * five minutes of the machine's uptime cannot). Older replays need wall-clock stamps.
 */
const MONO_AHEAD_MS = 60_000;
const MONO_OLD_MS = 300_000;

export type StampAge = { ageMs: number; clock: 'wall' | 'monotonic' } | { refused: string };

/**
 * The age in ms of `stamp` at this instant. `monoNow`: this host's monotonic ms now; `offsetMs`:
 * the shared clock minus ours (shards; 0 on one host); `wallNow`: `Date.now()` (whole ms, as
 * the stamp: on one host the age is never negative, which a sub-ms estimate of the wall clock
 * drifting from the system's could make it).
 */
export function stampAge(stamp: number, monoNow: number, offsetMs: number, wallNow: number): StampAge {
  if (!Number.isFinite(stamp)) return { refused: `not a finite number (${String(stamp)})` };
  if (Math.abs(wallNow - stamp) < WINDOW_MS) return { ageMs: wallNow - stamp, clock: 'wall' };
  const shared = monoNow + offsetMs;
  if (shared - stamp > -MONO_AHEAD_MS && shared - stamp < MONO_OLD_MS) return { ageMs: shared - stamp, clock: 'monotonic' };
  if (Math.abs(wallNow - stamp * 1000) < WINDOW_MS)
    return { refused: `${stamp} looks like seconds since the epoch: give milliseconds (Date.now()), e.g. sentAt: (m) => m.ts * 1000` };
  return {
    refused: `${stamp} is on neither the wall clock (Date.now(), now ${Math.round(wallNow)}) nor this host's monotonic clock (now ${Math.round(shared)}, stamps up to 5 min old); a performance.now() of another process counts from that process's start: stamp with Date.now()`,
  };
}
