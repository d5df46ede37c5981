/**
 * What `run()` does for `--shard` / `--start-at`: the shard's source addresses, its clock
 * estimate, the hooks `runTopology` calls, and the `shard` field of the result.
 */
import { resolveSourceIps } from '../target/source-ips.ts';
import type { ClockEstimate, ShardInfo } from '../result/types.ts';
import type { Target } from '../target/target.ts';
import { estimateClock } from './clock.ts';
import { shardInfo, type ShardHooks, type ShardPlan } from './options.ts';
import { shardSourceIps } from './split.ts';

/**
 * Source addresses for a run. A shard on loopback gets its own disjoint slice; a remote target
 * binds no address (`''`: the OS picks this host's address): `sourceIps` spreads loopback only.
 */
export function runSourceIps(spec: number | string[], target: Target | null, plan: ShardPlan): string[] {
  const host = target?.host ?? '127.0.0.1';
  if (target !== null && !target.loopback) return [''];
  return plan.shard ? shardSourceIps(spec, host, plan.shard) : resolveSourceIps(spec, host);
}

export interface ShardRun {
  /** Handed to `runTopology`; the `--start-at` wait applies to the first load only. */
  hooks: ShardHooks;
  /** The `shard` field of the result (null for a plain `--start-at` run, or before the load started). */
  info(): ShardInfo | null;
}

/**
 * Prepare a shard run (or a plain run with `--start-at`): estimate the clock against the target
 * (shards only; bounded: at most 17 requests of ≤ 2 s), and build the hooks. Returns null for
 * an ordinary run.
 */
export async function prepareShardRun(plan: ShardPlan, target: Target | null, warn: (line: string) => void): Promise<ShardRun | null> {
  if (!plan.shard && plan.startAtWallMs === null) return null;
  let clock: ClockEstimate | null = null;
  if (plan.shard && target) {
    clock = await estimateClock(target.url);
    // loopback target: the server shares this host's monotonic clock, so the true offset is 0
    if (target.loopback) clock = { ...clock, sameHost: true };
    const u = clock.uncertaintyMs === null ? 'unknown' : `± ${clock.uncertaintyMs} ms`;
    warn(
      `rtbench: shard ${plan.shard.index}/${plan.shard.count}: clock offset to the target ${clock.offsetMs} ms (${u}, ${clock.method})${clock.method === 'rtbench-time' ? '' : `: ${clock.note ?? ''}`}`,
    );
  }
  let startedAtWallMs: number | null = null;
  const hooks: ShardHooks = {
    spec: plan.shard,
    startAtWallMs: plan.startAtWallMs,
    clockMonoOffsetMs: clock && !clock.sameHost ? clock.monoOffsetMs : 0,
    onLoadStart(wallMs) {
      if (startedAtWallMs === null) {
        startedAtWallMs = wallMs;
        if (plan.startAtWallMs !== null && wallMs - plan.startAtWallMs > 100) {
          warn(
            `rtbench: WARNING the load started ${wallMs - plan.startAtWallMs} ms after --start-at (the generators took that long to load the scenario): pick a later --start-at`,
          );
        }
      }
      hooks.startAtWallMs = null; // later rounds or topologies start at once
    },
  };
  return {
    hooks,
    info: () => (plan.shard && startedAtWallMs !== null ? shardInfo(plan.shard, startedAtWallMs, clock) : null),
  };
}
