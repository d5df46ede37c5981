/**
 * The run options that make a shard: `--shard i/N` and `--start-at ISO`,
 * checked before anything starts, and what `runTopology` needs from them (`ShardHooks`).
 */
import { InputError } from '../shared/errors.ts';
import type { ClockEstimate } from '../result/types.ts';
import { parseShardSpec, type ShardSpec } from './split.ts';

/** The furthest ahead `--start-at` may be. */
export const MAX_START_AHEAD_MS = 60 * 60 * 1000;

/** What `runTopology` does differently for a shard. */
export interface ShardHooks {
  /** This shard (null: a plain run that only waits for `--start-at`). */
  spec: ShardSpec | null;
  /** Wait, after the generators have loaded the scenario, until this wall-clock time (ms) to start the load. */
  startAtWallMs: number | null;
  /** Reference monotonic clock minus ours (ms), handed to the generators for cross-host timestamps. */
  clockMonoOffsetMs: number;
  /** Called with the wall-clock time (ms) of the load's second 0. */
  onLoadStart(wallMs: number): void;
}

export interface ShardPlan {
  shard: ShardSpec | null;
  startAtWallMs: number | null;
}

/** Parse `--start-at`: an ISO time at most 1 h ahead and not in the past. */
export function parseStartAt(raw: unknown, nowMs = Date.now()): number {
  const s = String(raw);
  const t = Date.parse(s);
  if (!/^\d{4}-\d\d-\d\dT/.test(s) || !Number.isFinite(t)) {
    throw new InputError('E_START_AT', `\`--start-at\` must be an ISO date-time such as 2030-01-01T12:00:00Z (got ${JSON.stringify(s)})`, {
      hint: 'e.g. --start-at "$(date -u -d "+2 min" +%Y-%m-%dT%H:%M:%SZ)"',
    });
  }
  if (t < nowMs) {
    throw new InputError('E_START_AT', `\`--start-at\` ${s} is ${((nowMs - t) / 1000).toFixed(1)} s in the past`, {
      hint: 'pick a time a little ahead of now (every shard must still be waiting when it comes), at most 1 h ahead',
    });
  }
  if (t - nowMs > MAX_START_AHEAD_MS) {
    throw new InputError('E_START_AT', `\`--start-at\` ${s} is ${((t - nowMs) / 60_000).toFixed(1)} min ahead, more than the 60 min allowed`, {
      hint: 'pick a time at most 1 h ahead (a run waits in the foreground until then)',
    });
  }
  return t;
}

/** Check the shard options together; every problem is an InputError naming the flag. */
export function checkShardOptions(o: { shard?: string; startAt?: string; target?: string; repeat?: number }, nowMs = Date.now()): ShardPlan {
  const shard = o.shard !== undefined ? parseShardSpec(o.shard) : null;
  const startAtWallMs = o.startAt !== undefined ? parseStartAt(o.startAt, nowMs) : null;
  if (shard && !o.target) {
    throw new InputError('E_SHARD_SPEC', '`--shard` needs `--target`: every shard must drive the same server', {
      hint: 'start the server once (e.g. `npx rtbench serve --port 3000`) and pass --target http://127.0.0.1:3000 to every shard',
    });
  }
  if (shard && o.repeat !== undefined && o.repeat > 1) {
    throw new InputError('E_SHARD_SPEC', '`--shard` cannot be combined with `--repeat`', {
      hint: 'repeat the whole sharded run instead, and merge each round on its own',
    });
  }
  return { shard, startAtWallMs };
}

/** Sleep until `wallMs` on the wall clock (re-checking, so a long wait stays accurate), or until aborted. */
export function waitUntilWall(wallMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let timer: NodeJS.Timeout;
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const step = (): void => {
      const left = wallMs - Date.now();
      if (left <= 0) return done();
      timer = setTimeout(step, Math.min(left, 1000));
    };
    signal?.addEventListener('abort', done, { once: true });
    step();
  });
}

/** The `shard` field of a shard result. */
export function shardInfo(
  spec: ShardSpec,
  startedAtWallMs: number,
  clock: ClockEstimate | null,
): { index: number; count: number; startedAt: string; clockOffsetMs?: number; clock?: ClockEstimate } {
  return {
    index: spec.index,
    count: spec.count,
    startedAt: new Date(startedAtWallMs).toISOString(),
    ...(clock && clock.method !== 'none' ? { clockOffsetMs: clock.offsetMs } : {}),
    ...(clock ? { clock } : {}),
  };
}
