import { availableParallelism } from 'node:os';
import { urlOf } from '../app/server.ts';
import { createSlotPool } from '../cluster/primary.ts';
import { freePort } from '../infra/free-port.ts';
import { startBrokers } from '../socketcluster/brokers.ts';
import { startStateServer } from '../socketcluster/state.ts';
import type { ScWorkerConfig } from '../socketcluster/worker.ts';
import { didYouMean } from '../../src/shared/suggest.ts';
import { workerCountProblems } from './spec-parts.ts';
import type { Topology, TopologySpec } from './types.ts';

/** `socketcluster:N[:rr|none][:B]` → N workers (default: cores), scheduling, B scc-broker processes (default 1); B may come without the policy (`socketcluster:2:3`). */
export function parseSocketClusterSpec(spec: TopologySpec): { workers: number; policy: 'rr' | 'none'; brokers: number } {
  const [n, ...rest] = spec.params;
  const [policy = 'rr', b = '1'] = rest.length === 1 && /^\d+$/.test(rest[0]!) ? ['rr', rest[0]!] : rest;
  return { workers: n ? Number(n) : availableParallelism(), policy: policy as 'rr' | 'none', brokers: Number(b) };
}

/**
 * SocketCluster as SCC runs it, from the published packages: N worker processes with
 * socketcluster-server on one port (Node cluster, `rr` or `none` scheduling, respawned in their
 * slot), B `scc-broker` processes that carry channels between workers (each worker joins through
 * `scc-broker-client`), and a stand-in for the unpublished `scc-state` server in the topology
 * process (socketcluster/state.ts). Workers say who they are in the `welcome` event.
 */
export const socketClusterTopology: Topology = {
  name: 'socketcluster',
  summary: 'SocketCluster: N socketcluster-server workers on one port (rr or OS scheduling), B scc-broker processes',
  check(spec) {
    const { workers, policy, brokers } = parseSocketClusterSpec(spec);
    const n = spec.params[0] ?? '';
    const problems = workerCountProblems(spec, workers, 'socketcluster:2');
    const syntax = 'write socketcluster:N[:rr|none][:B] (B: scc-broker processes, 1..16), e.g. `socketcluster:2:rr:2`';
    if (spec.params.length > 3) return [...problems, `\`${spec.raw}\` has ${spec.params.length - 1} parts after the count, at most 2: ${syntax}`];
    if (policy !== 'rr' && policy !== 'none') {
      const near = didYouMean(policy, ['rr', 'none']);
      const fix = near ? `did you mean \`${['socketcluster', n, near, ...spec.params.slice(2)].join(':')}\`?` : syntax;
      problems.push(`scheduling policy must be rr or none (got ${policy}): ${fix}`);
    }
    if (!Number.isInteger(brokers) || brokers < 1 || brokers > 16)
      problems.push(`broker count must be a whole number from 1 to 16 (got ${spec.params[spec.params.length - 1]}): ${syntax}`);
    return problems;
  },
  optionalPackages: () => ['scc-broker', 'scc-broker-client'],
  async start({ host, port, pushRate, spec, maxConnectionsPerWorker }) {
    const { workers, policy, brokers: brokerCount } = parseSocketClusterSpec(spec);
    const state = await startStateServer();
    const brokers = await startBrokers(brokerCount, state).catch(async (e: unknown) => {
      await state.close();
      throw e;
    });
    const shared = port || (await freePort(host));
    const pool = createSlotPool<ScWorkerConfig>(
      workers,
      (index) => ({ topology: spec.raw, index, pushRate, host, port: shared, stateServerPort: state.port, maxConnections: maxConnectionsPerWorker ?? null }),
      policy,
      new URL('../socketcluster/worker.ts', import.meta.url),
    );
    const stopAll = async (): Promise<void> => {
      await pool.stop();
      await brokers.stop();
      await state.close();
    };
    const actual = await pool.start().catch(async (e: unknown) => {
      await stopAll();
      throw e;
    });
    return {
      url: urlOf(host, actual),
      pids: [process.pid, ...pool.pids(), ...brokers.pids()],
      workers,
      stats: () => pool.stats(),
      counters: async () => ({ respawns: pool.respawns(), brokerRestarts: brokers.restarts() }),
      faultTargets: () => ({ worker: pool.faultSlots(), broker: brokers.faultSlots() }),
      stop: stopAll,
    };
  },
};
