/**
 * How `rtbench run --shard i/N` takes its slice of a scenario's load.
 *
 * Shards split the load exactly like generator processes do, one level up: with N shards of G
 * generators each, generator g of shard i plays the global generator slot `i + N·g` of `N·G`.
 * Arrival k of a phase belongs to slot k mod N·G, so shard i holds the arrivals k ≡ i (mod N) and
 * VU v ≡ i (mod N). Every shard thus carries 1/N of each arrival rate and of each VU count, client
 * ids (phase base + k or v) are disjoint, and the union of all shards is exactly the planned
 * schedule, whatever G each shard runs with.
 */
import { InputError } from '../shared/errors.ts';
import { arrivalCount } from '../executors/arrivals.ts';
import { maxVus } from '../executors/vus.ts';
import { resolveSourceIps } from '../target/source-ips.ts';
import type { ResolvedScenario } from '../scenario/validate.ts';

/** One shard: 0-based index of count. */
export interface ShardSpec {
  index: number;
  count: number;
}

export const MAX_SHARDS = 1000;

/** Parse `--shard i/N` (0-based i, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX). */
export function parseShardSpec(raw: unknown): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(raw));
  const bad = (why: string): InputError =>
    new InputError('E_SHARD_SPEC', `\`--shard\` ${why} (got ${JSON.stringify(String(raw))})`, {
      hint: `pass --shard i/N with a 0-based index i from 0 to N-1 and N from 1 to ${MAX_SHARDS}, e.g. --shard 0/3`,
    });
  if (!m) throw bad('must look like i/N');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw bad(`must have a shard count N from 1 to ${MAX_SHARDS}`);
  if (index >= count) throw bad(`index is 0-based, so it must be below the count (0..${count - 1})`);
  return { index, count };
}

/** The global generator slot (index, count) that generator `g` of `generators` plays. */
export function generatorSlot(shard: ShardSpec | null | undefined, g: number, generators: number): { generator: number; generators: number } {
  if (!shard || shard.count === 1) return { generator: g, generators };
  return { generator: shard.index + shard.count * g, generators: shard.count * generators };
}

/**
 * The loopback source addresses of one shard: disjoint across shards, so that shards on one
 * machine never share an address (nor its ephemeral ports). A count S gives each shard its own S
 * addresses (shard i takes addresses i·S … i·S+S-1 of the sequence 127.0.0.2, …); a list is dealt
 * out round-robin and must hold at least one address per shard.
 */
export function shardSourceIps(spec: number | string[], targetHost: string, shard: ShardSpec): string[] {
  if (Array.isArray(spec)) {
    const all = resolveSourceIps(spec, targetHost);
    if (all.length === 1 && all[0] === '::1') return all; // IPv6 target: only ::1 exists
    if (all.length < shard.count) {
      throw new InputError('E_SHARD_SPEC', `\`sourceIps\` lists ${all.length} address(es), fewer than the ${shard.count} shards`, {
        hint: 'list at least one loopback address per shard, or give a count (e.g. `sourceIps: 8`: each shard then gets its own 8)',
      });
    }
    return all.filter((_, j) => j % shard.count === shard.index);
  }
  const all = resolveSourceIps(spec * shard.count, targetHost);
  if (all.length === 1 && all[0] === '::1') return all;
  return all.slice(shard.index * spec, (shard.index + 1) * spec);
}

/** What one shard carries of each phase: its arrivals (open model) or its peak VUs (closed model). */
export interface PhaseShare {
  phase: number;
  kind: 'arrivals' | 'vus';
  /** Arrivals of the whole phase, or its peak VUs. */
  total: number;
  /** This shard's part of it. */
  shard: number;
}

/** Items 0..total-1 that index ≡ shard.index (mod count) selects. */
export function sliceCount(total: number, shard: ShardSpec): number {
  return total > shard.index ? Math.floor((total - 1 - shard.index) / shard.count) + 1 : 0;
}

/** This shard's share of every phase (arrivals, or peak VUs), for reports and capacity checks. */
export function shardShare(s: ResolvedScenario, shard: ShardSpec): PhaseShare[] {
  return s.phases.map((p) => {
    const total = p.kind === 'arrivals' ? arrivalCount(p) : maxVus(p);
    return { phase: p.index, kind: p.kind, total, shard: sliceCount(total, shard) };
  });
}
