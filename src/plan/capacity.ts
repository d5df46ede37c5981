import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { liftableFdLimit } from '../shared/fd-limit.ts';

/** What one machine allows a process: open files, and ephemeral ports per source address. */
export interface Limits {
  fdLimit: number;
  portsPerAddress: number;
}

/**
 * Read the limits of this machine: `ulimit -Hn` (Node raises its soft limit to the hard one), or
 * more when generators get a lifted limit (root: up to `fs.nr_open`, src/shared/fd-limit.ts), and
 * the ephemeral port range.
 */
export function machineLimits(): Limits {
  let fdLimit = 20_000;
  const r = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  if (Number.isFinite(n) && n > 0) fdLimit = n;
  else if (r.stdout?.trim() === 'unlimited') fdLimit = 1_048_576;
  const lifted = liftableFdLimit();
  if (lifted !== null && lifted > fdLimit) fdLimit = lifted;
  let portsPerAddress = 28_000;
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && hi > lo) portsPerAddress = hi - lo + 1;
  } catch {
    // not Linux: keep the usual figure
  }
  return { fdLimit, portsPerAddress };
}

export interface CapacityInput {
  /** Peak concurrent clients of the whole run (all shards). */
  peak: number;
  generators: number;
  /** True when the user chose the generator count (flag or scenario); otherwise rtbench may raise it. */
  generatorsExplicit: boolean;
  addresses: number;
  /** True when the scenario chose `sourceIps`; otherwise rtbench may add addresses. */
  addressesExplicit: boolean;
  /** Shards sharing the load (1 without --shard). */
  shards: number;
  limits: Limits;
}

export interface CapacityPlan {
  generators: number;
  addresses: number;
  /** What rtbench changed on its own, to print. */
  notes: string[];
  /** What the user chose that cannot work, with what to change (the run is refused). */
  problems: string[];
}

/** Clients one generator may hold: its fd limit minus headroom for the process itself (~20%). */
const perGenerator = (l: Limits): number => Math.floor(l.fdLimit * 0.8);
const perAddress = (l: Limits): number => Math.floor(l.portsPerAddress * 0.8);

/**
 * Split a run's clients over generator processes and source addresses from its size, before
 * anything starts: each generator stays under its fd limit, each source address under its
 * ephemeral ports. Counts the user left to rtbench are raised; counts the user set that cannot
 * work are refused with the fix, instead of failing midway with EMFILE or EADDRNOTAVAIL.
 */
export function planCapacity(c: CapacityInput): CapacityPlan {
  const notes: string[] = [];
  const problems: string[] = [];
  const local = Math.ceil(c.peak / c.shards);
  let generators = c.generators;
  const needGen = Math.ceil(local / perGenerator(c.limits));
  if (needGen > generators) {
    if (c.generatorsExplicit) {
      problems.push(
        `${local} clients over ${generators} generator(s) would pass the ${c.limits.fdLimit} open files a process may hold (\`ulimit -Hn\`): use --generators ${needGen} (or leave it to rtbench), or raise the limit`,
      );
    } else {
      notes.push(
        `${local} clients at peak: ${needGen} generator processes (at most ${perGenerator(c.limits)} clients each under the ${c.limits.fdLimit}-file limit)`,
      );
      generators = needGen;
    }
  }
  let addresses = c.addresses;
  const needAddr = Math.ceil(local / perAddress(c.limits));
  if (needAddr > addresses) {
    if (c.addressesExplicit) {
      problems.push(
        `${local} clients over ${addresses} source address(es) would exhaust the ~${c.limits.portsPerAddress} ephemeral ports per address: set \`sourceIps: ${needAddr}\` (or leave it out)`,
      );
    } else {
      notes.push(`${local} clients at peak: ${needAddr} loopback source addresses (~${c.limits.portsPerAddress} ephemeral ports each)`);
      addresses = needAddr;
    }
  }
  return { generators, addresses, notes, problems };
}
