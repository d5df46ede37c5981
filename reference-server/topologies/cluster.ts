import { ADAPTERS, adapterPackages, setupAdapterPrimary, type AdapterName } from '../cluster/adapter.ts';
import { createSlotPool } from '../cluster/primary.ts';
import { urlOf } from '../app/server.ts';
import type { Topology, TopologySpec } from './types.ts';
import { availableParallelism } from 'node:os';
import { freePort } from '../infra/free-port.ts';
import { twoOptional, twoOptionalProblems, workerCountProblems, type SpecSlot } from './spec-parts.ts';

const POLICY: SpecSlot = { what: 'policy', allowed: ['rr', 'none'], dflt: 'rr' };
const ADAPTER: SpecSlot = { what: 'adapter', allowed: ADAPTERS, dflt: 'cluster' };

/** `cluster:N[:rr|none][:cluster|redis]` → its parts (N defaults to the core count); the adapter may come without the policy (`cluster:2:redis`). */
export function parseClusterSpec(spec: TopologySpec): { workers: number; policy: 'rr' | 'none'; adapter: AdapterName } {
  const n = spec.params[0];
  const { a: policy, b: adapter } = twoOptional(spec, POLICY, ADAPTER);
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
    const { workers } = parseClusterSpec(spec);
    return [...workerCountProblems(spec, workers, 'cluster:2'), ...twoOptionalProblems(spec, POLICY, ADAPTER, 'cluster:2:rr:redis')];
  },
  optionalPackages: (spec) => adapterPackages(parseClusterSpec(spec).adapter),
  async start({ host, port, pushRate, spec, maxConnectionsPerWorker }) {
    const { workers, policy, adapter } = parseClusterSpec(spec);
    const { redis } = await setupAdapterPrimary(adapter);
    // a fixed port: a worker that stopped accepting at its cap (accept-gate.ts) listens again on it
    const shared = port || (await freePort(host));
    const pool = createSlotPool(
      workers,
      (index) => ({
        topology: spec.raw,
        name: 'cluster',
        index,
        pushRate,
        adapter,
        redisUrl: redis?.url ?? null,
        mode: 'listen',
        host,
        port: shared,
        maxConnections: maxConnectionsPerWorker ?? null,
      }),
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
