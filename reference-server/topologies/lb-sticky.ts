import { didYouMean } from '../../src/shared/suggest.ts';
import { availableParallelism } from 'node:os';
import { urlOf } from '../app/server.ts';
import { setupAdapterPrimary } from '../cluster/adapter.ts';
import { createSlotPool } from '../cluster/primary.ts';
import { freePort } from '../infra/free-port.ts';
import { startSupervisedHaproxy } from '../lb/haproxy.ts';
import { startStickyMaster, type Route } from '../sticky/master.ts';
import type { Topology, TopologySpec } from './types.ts';

const FIXES = ['none', 'proxy', 'xff'] as const;
type Fix = (typeof FIXES)[number];

/** `lb-sticky:N[:none|proxy|xff]`. */
export function parseLbStickySpec(spec: TopologySpec): { workers: number; fix: Fix } {
  const [n, fix = 'none'] = spec.params;
  return { workers: n ? Number(n) : availableParallelism(), fix: fix as Fix };
}

/**
 * HAProxy in front of ONE sticky master with N workers: the famous failure. The master hashes
 * `remoteAddress`, which is now always HAProxy's own address, so every connection lands on one
 * worker (`none`). The fixes: HAProxy sends the PROXY protocol and the master reads the client
 * address from it (`proxy`), or HAProxy adds X-Forwarded-For and the master reads that (`xff`).
 */
export const lbStickyTopology: Topology = {
  name: 'lb-sticky',
  summary: 'HAProxy in front of one sticky master (collapse), or fixed with PROXY protocol / X-Forwarded-For',
  check(spec) {
    const { workers, fix } = parseLbStickySpec(spec);
    const problems: string[] = [];
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) problems.push(`worker count must be 1..64 (got ${spec.params[0]}): e.g. \`lb-sticky:2\``);
    if (!(FIXES as readonly string[]).includes(fix)) problems.push(`fix must be one of ${FIXES.join(', ')} (got ${fix}): ${((near) => (near ? `did you mean \`lb-sticky:${spec.params[0]}:${near}\`?` : 'e.g. `lb-sticky:2:proxy`'))(didYouMean(fix, FIXES))}`);
    if (spec.params.length > 2) problems.push('expected lb-sticky:N[:none|proxy|xff], e.g. `lb-sticky:2:proxy`');
    return problems;
  },
  async start({ host, port, pushRate, spec }) {
    const { workers, fix } = parseLbStickySpec(spec);
    await setupAdapterPrimary('cluster');
    const pool = createSlotPool(workers, (index) => ({ topology: spec.raw, name: 'sticky', index, pushRate, adapter: 'cluster', redisUrl: null, mode: 'handoff', host, port: 0 }));
    await pool.start();
    const route: Route = fix === 'none' ? { kind: 'hash', hash: 'default' } : { kind: fix };
    const master = await startStickyMaster({ host, port: 0, pool, route });
    const listenPort = port || (await freePort(host));
    let proxy;
    try {
      proxy = await startSupervisedHaproxy({
        host,
        port: listenPort,
        backends: [{ name: 'sticky_master', host, port: master.port }],
        balance: 'roundrobin',
        mode: fix === 'xff' ? 'http' : 'tcp',
        sendProxy: fix === 'proxy',
        forwardFor: fix === 'xff',
      });
    } catch (e) {
      await master.close();
      await pool.stop();
      throw e;
    }
    return {
      url: urlOf(host, listenPort),
      pids: [process.pid, proxy.pid, ...pool.pids()],
      workers,
      stats: () => pool.stats(),
      counters: async () => ({ ...master.counters(), respawns: pool.respawns(), lbRestarts: proxy.restarts() }),
      faultTargets: () => ({ worker: pool.faultSlots(), lb: [proxy.faultSlot()] }),
      async stop() {
        await proxy.stop();
        await master.close();
        await pool.stop();
      },
    };
  },
};
