import { urlOf } from '../app/server.ts';
import { haproxyInFront, type Balance } from '../lb/haproxy.ts';
import { startNodes } from '../lb/nodes.ts';
import { countAndWord, countAndWordProblems } from './spec-parts.ts';
import type { Topology, TopologySpec } from './types.ts';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const BALANCES: readonly Balance[] = ['roundrobin', 'source', 'cookie'];

/** `lb:N[:roundrobin|source|cookie]`. */
export function parseLbSpec(spec: TopologySpec): { nodes: number; balance: Balance } {
  const { n, word } = countAndWord(spec, 'roundrobin');
  return { nodes: n, balance: word as Balance };
}

/**
 * Real HAProxy in front of N single-process nodes: `roundrobin`, `source` (client-IP hash) or
 * `cookie` (inserted SERVERID cookie: sticky, so long-polling works). No cross-node adapter:
 * broadcasts reach members on the same node only (what an adapter-less deployment does).
 */
export const lbTopology: Topology = {
  name: 'lb',
  summary: 'HAProxy (roundrobin, source or cookie) in front of N single-process nodes',
  check(spec) {
    const { nodes, balance } = parseLbSpec(spec);
    return countAndWordProblems(spec, { what: 'node', n: nodes }, { what: 'balance', value: balance, allowed: BALANCES }, 'lb:2:cookie');
  },
  async start({ host, port, pushRate, spec }) {
    const { nodes, balance } = parseLbSpec(spec);
    const set = await startNodes(nodes, spec.raw, pushRate, host);
    const { proxy, port: listenPort } = await haproxyInFront(
      { host, port, backends: set.nodes.map((n) => ({ name: `n${n.index}`, host, port: n.port })), balance, mode: balance === 'cookie' ? 'http' : 'tcp' },
      () => set.stop(),
    );
    return {
      url: urlOf(host, listenPort),
      pids: [process.pid, proxy.pid, ...set.nodes.map((n) => n.pid)],
      workers: nodes,
      stats: () => set.stats(),
      counters: async () => ({ lbRestarts: proxy.restarts() }),
      faultTargets: () => ({
        lb: [proxy.faultSlot()],
        // nodes are not restarted: HAProxy sends new connections to the others
        node: set.nodes.map((n) => ({ pid: () => (isAlive(n.pid) ? n.pid : null), readyPid: () => null, supervised: false })),
      }),
      async stop() {
        await proxy.stop();
        await set.stop();
      },
    };
  },
};
