import { urlOf } from '../app/server.ts';
import { setupAdapterPrimary } from '../cluster/adapter.ts';
import { createSlotPool } from '../cluster/primary.ts';
import { haproxyInFront } from '../lb/haproxy.ts';
import { startStickyMaster, type Route } from '../sticky/master.ts';
import { countAndWord, countAndWordProblems } from './spec-parts.ts';
import type { Topology, TopologySpec } from './types.ts';

const FIXES = ['none', 'proxy', 'xff'] as const;
type Fix = (typeof FIXES)[number];

/** `lb-sticky:N[:none|proxy|xff]`. */
export function parseLbStickySpec(spec: TopologySpec): { workers: number; fix: Fix } {
  const { n, word } = countAndWord(spec, 'none');
  return { workers: n, fix: word as Fix };
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
    return countAndWordProblems(spec, { what: 'worker', n: workers }, { what: 'fix', value: fix, allowed: FIXES }, 'lb-sticky:2:proxy');
  },
  async start({ host, port, pushRate, spec }) {
    const { workers, fix } = parseLbStickySpec(spec);
    await setupAdapterPrimary('cluster');
    const pool = createSlotPool(workers, (index) => ({
      topology: spec.raw,
      name: 'sticky',
      index,
      pushRate,
      adapter: 'cluster',
      redisUrl: null,
      mode: 'handoff',
      host,
      port: 0,
    }));
    await pool.start();
    const route: Route = fix === 'none' ? { kind: 'hash', hash: 'default' } : { kind: fix };
    const master = await startStickyMaster({ host, port: 0, pool, route });
    const { proxy, port: listenPort } = await haproxyInFront(
      {
        host,
        port,
        backends: [{ name: 'sticky_master', host, port: master.port }],
        balance: 'roundrobin',
        mode: fix === 'xff' ? 'http' : 'tcp',
        sendProxy: fix === 'proxy',
        forwardFor: fix === 'xff',
      },
      async () => {
        await master.close();
        await pool.stop();
      },
    );
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
