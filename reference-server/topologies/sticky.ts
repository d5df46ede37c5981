import { availableParallelism } from 'node:os';
import { urlOf } from '../app/server.ts';
import { ADAPTERS, adapterPackages, setupAdapterPrimary, type AdapterName } from '../cluster/adapter.ts';
import { createSlotPool } from '../cluster/primary.ts';
import { HASH_NAMES, type HashName } from '../sticky/hashes.ts';
import { startStickyMaster, type Route } from '../sticky/master.ts';
import { twoOptional, twoOptionalProblems, workerCountProblems, type SpecSlot } from './spec-parts.ts';
import type { Topology, TopologySpec } from './types.ts';

const ROUTE: SpecSlot = { what: 'route', allowed: [...HASH_NAMES, 'proxy', 'xff', 'sid'], dflt: 'default' };
const ADAPTER: SpecSlot = { what: 'adapter', allowed: ADAPTERS, dflt: 'cluster' };

/** `sticky:N[:route][:cluster|redis]`; route is a hash name (default `default`), `proxy`, `xff` or `sid`; the adapter may come without the route (`sticky:2:redis`). */
export function parseStickySpec(spec: TopologySpec): { workers: number; route: Route; routeName: string; adapter: AdapterName } {
  const n = spec.params[0];
  const { a: routeName, b: adapter } = twoOptional(spec, ROUTE, ADAPTER);
  const route: Route =
    routeName === 'proxy' || routeName === 'xff' || routeName === 'sid' ? { kind: routeName } : { kind: 'hash', hash: routeName as HashName };
  return { workers: n ? Number(n) : availableParallelism(), route, routeName, adapter: adapter as AdapterName };
}

/**
 * The classic sticky master: the primary accepts TCP connections (`pauseOnConnect`), picks a
 * worker from the client address and hands the socket over; the worker emits `connection` on its
 * own (not listening) server and resumes. Workers respawn in their slot, so the address → worker
 * mapping survives a crash.
 */
export const stickyTopology: Topology = {
  name: 'sticky',
  summary: 'sticky master hashing the client address (or PROXY/XFF/sid) over N cluster workers',
  check(spec) {
    const { workers } = parseStickySpec(spec);
    return [...workerCountProblems(spec, workers, 'sticky:2'), ...twoOptionalProblems(spec, ROUTE, ADAPTER, 'sticky:2:sid:redis')];
  },
  optionalPackages: (spec) => adapterPackages(parseStickySpec(spec).adapter),
  async start({ host, port, pushRate, spec }) {
    const { workers, route, adapter } = parseStickySpec(spec);
    const { redis } = await setupAdapterPrimary(adapter);
    const pool = createSlotPool(workers, (index) => ({
      topology: spec.raw,
      name: 'sticky',
      index,
      pushRate,
      adapter,
      redisUrl: redis?.url ?? null,
      mode: 'handoff',
      host,
      port: 0,
    }));
    await pool.start();
    const master = await startStickyMaster({ host, port, pool, route });
    return {
      url: urlOf(host, master.port),
      pids: [process.pid, ...pool.pids(), ...(redis ? [redis.pid] : [])],
      workers,
      stats: () => pool.stats(),
      faultTargets: () => ({ worker: pool.faultSlots(), ...(redis ? { redis: [redis.faultSlot()] } : {}) }),
      counters: async () => ({ ...master.counters(), respawns: pool.respawns(), ...(redis ? { redisRestarts: redis.restarts() } : {}) }),
      async stop() {
        await master.close();
        await pool.stop();
        await redis?.stop();
      },
    };
  },
};
