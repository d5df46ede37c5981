import assert from 'node:assert/strict';
import { test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { startReferenceServer } from '../../reference-server/start.ts';
import { alive } from './helpers.ts';

interface Conn {
  s: Socket;
  worker: string;
}

async function connect(url: string, localAddress: string, transports: Array<'websocket' | 'polling'> = ['websocket']): Promise<Conn> {
  const s = io(url, { transports, forceNew: true, reconnection: false, localAddress, withCredentials: true } as Parameters<typeof io>[1]);
  const welcome = await new Promise<{ worker: { id: string } }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no welcome from ${url} for ${localAddress}`)), 8000);
    s.once('welcome', (w) => {
      clearTimeout(t);
      resolve(w);
    });
  });
  return { s, worker: welcome.worker.id };
}

const ips = (n: number): string[] => Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);

/** Start a topology, connect clients from `n` addresses, run `check`, stop, and prove nothing is left running. */
async function exercise(topology: string, n: number, check: (conns: Conn[], url: string) => Promise<void>): Promise<void> {
  const server = await startReferenceServer({ topology, timeoutMs: 30_000 });
  const conns: Conn[] = [];
  try {
    for (const ip of ips(n)) conns.push(await connect(server.url, ip));
    await check(conns, server.url);
    const view = await server.stats();
    const total = view.workers.reduce((a, w) => a + w.total, 0);
    assert.equal(total, conns.length, `${topology}: the server counted ${total} connections for ${conns.length} clients`);
  } finally {
    for (const c of conns) c.s.disconnect();
    await server.stop();
  }
  await new Promise((r) => setTimeout(r, 300));
  for (const pid of [server.pid, ...server.pids]) assert.ok(!alive(pid), `${topology}: pid ${pid} still alive after stop()`);
}

async function crossWorkerBroadcast(conns: Conn[]): Promise<void> {
  const got = new Map<Socket, number>();
  for (const c of conns) {
    await c.s.timeout(3000).emitWithAck('join', 'all');
    got.set(c.s, 0);
    c.s.on('broadcast', () => got.set(c.s, got.get(c.s)! + 1));
  }
  await conns[0]!.s.timeout(3000).emitWithAck('broadcast', 'all', { ts: 1 });
  for (let i = 0; i < 50 && [...got.values()].some((v) => v === 0); i++) await new Promise((r) => setTimeout(r, 40));
  assert.ok([...got.values()].every((v) => v === 1), `every member on every worker gets the broadcast once: ${[...got.values()]}`);
}

test('cluster:3:rr spreads over 3 workers; the cluster adapter broadcasts across them', async () => {
  await exercise('cluster:3:rr', 9, async (conns) => {
    const workers = new Set(conns.map((c) => c.worker));
    assert.deepEqual([...workers].sort(), ['cluster#0', 'cluster#1', 'cluster#2']);
    await crossWorkerBroadcast(conns);
  });
});

test('cluster:2:none:redis: real redis-server, broadcast across workers through Redis', async () => {
  await exercise('cluster:2:none:redis', 8, async (conns) => {
    assert.ok(conns.every((c) => /^cluster#[01]$/.test(c.worker)));
    await crossWorkerBroadcast(conns);
  });
});

test('lb:3:roundrobin: real HAProxy deals connections to 3 nodes in turn', async () => {
  await exercise('lb:3:roundrobin', 6, async (conns) => {
    const count = new Map<string, number>();
    for (const c of conns) count.set(c.worker, (count.get(c.worker) ?? 0) + 1);
    assert.deepEqual([...count.values()], [2, 2, 2]);
  });
});

test('lb:3:source: HAProxy hashes the client address (same address → same node)', async () => {
  await exercise('lb:3:source', 6, async (conns, url) => {
    const again = await connect(url, '127.0.0.2');
    conns.push(again); // exercise() closes it and counts it
    assert.equal(again.worker, conns[0]!.worker);
  });
});
