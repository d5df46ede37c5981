import { ADAPTERS, adapterPackages, setupAdapterPrimary, type AdapterName } from '../cluster/adapter.ts';
import { createSlotPool } from '../cluster/primary.ts';
import { urlOf } from '../app/server.ts';
import type { Topology, TopologySpec } from './types.ts';
import { availableParallelism } from 'node:os';
import { freePort } from '../infra/free-port.ts';

/** `cluster:N[:rr|none][:cluster|redis]` → its parts (N defaults to the core count). */
export function parseClusterSpec(spec: TopologySpec): { workers: number; policy: 'rr' | 'none'; adapter: AdapterName } {
  const [n, policy = 'rr', adapter = 'cluster'] = spec.params;
  return { workers: n ? Number(n) : availableParallelism(), policy: policy as 'rr' | 'none', adapter: adapter as AdapterName };
}

/**
 * Node `cluster`: N workers share one listening port. Scheduling `rr` (the primary accepts and
 * deals connections round-robin) or `none` (the OS wakes whichever worker; often unbalanced).
 * Cross-worker broadcast through @socket.io/cluster-adapter or Redis. Workers respawn in their slot.
 */
export const clusterTopology: Topology = {
  name: 'cluster',
  summary: 'Node cluster, N workers on one port, rr or OS scheduling, cluster or Redis adapter',
  check(spec) {
    const problems: string[] = [];
    const { workers, policy, adapter } = parseClusterSpec(spec);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) problems.push(`worker count must be 1..64 (got ${spec.params[0]})`);
    if (policy !== 'rr' && policy !== 'none') problems.push(`scheduling policy must be rr or none (got ${policy})`);
    if (!ADAPTERS.includes(adapter)) problems.push(`adapter must be ${ADAPTERS.join(' or ')} (got ${adapter})`);
    if (spec.params.length > 3) problems.push('expected cluster:N[:rr|none][:cluster|redis]');
    return problems;
  },
  optionalPackages: (spec) => adapterPackages(parseClusterSpec(spec).adapter),
  async start({ host, port, pushRate, spec, maxConnectionsPerWorker }) {
    const { workers, policy, adapter } = parseClusterSpec(spec);
    const { redis } = await setupAdapterPrimary(adapter);
    // a fixed port: a worker that stopped accepting at its cap (accept-gate.ts) listens again on it
    const shared = port || (await freePort(host));
    const pool = createSlotPool(
      workers,
      (index) => ({ topology: spec.raw, name: 'cluster', index, pushRate, adapter, redisUrl: redis?.url ?? null, mode: 'listen', host, port: shared, maxConnections: maxConnectionsPerWorker ?? null }),
      policy,
    );
    const actual = await pool.start();
    return {
      url: urlOf(host, actual),
      pids: [process.pid, ...pool.pids(), ...(redis ? [redis.pid] : [])],
      workers,
      stats: () => pool.stats(),
      counters: async () => ({ respawns: pool.respawns(), ...(redis ? { redisRestarts: redis.restarts() } : {}) }),
      faultTargets: () => ({ worker: pool.faultSlots(), ...(redis ? { redis: [redis.faultSlot()] } : {}) }),
      async stop() {
        await pool.stop();
        await redis?.stop();
      },
    };
  },
};
