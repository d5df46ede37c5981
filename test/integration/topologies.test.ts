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
    const t = setTimeout(() => reject(new Error(`no welcome from ${url} for ${localAddress}`)), 15_000);
    s.once('welcome', (w) => {
      clearTimeout(t);
      resolve(w);
    });
    // reconnection is off: a failed handshake or poll is final, so say what it was at once
    s.once('connect_error', (e: Error & { description?: unknown }) => {
      clearTimeout(t);
      reject(new Error(`connect_error from ${url} for ${localAddress}: ${e.message} (${String(e.description)})`));
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
  assert.ok(
    [...got.values()].every((v) => v === 1),
    `every member on every worker gets the broadcast once: ${[...got.values()]}`,
  );
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

test('sticky:4 (default hash): same address → same worker on reconnect; broadcast across workers', async () => {
  await exercise('sticky:4', 16, async (conns, url) => {
    assert.ok(new Set(conns.map((c) => c.worker)).size >= 3, 'addresses spread over the workers');
    for (const i of [0, 5, 11]) {
      const again = await connect(url, `127.0.0.${i + 2}`);
      conns.push(again);
      assert.equal(again.worker, conns[i]!.worker, `127.0.0.${i + 2} comes back to its worker`);
    }
    await crossWorkerBroadcast(conns.slice(0, 16));
  });
});

test('sticky:3: a killed worker is respawned in its slot; survivors are undisturbed and keep their mapping', async () => {
  const server = await startReferenceServer({ topology: 'sticky:3', timeoutMs: 30_000 });
  const conns: Conn[] = [];
  try {
    for (const ip of ips(12)) conns.push(await connect(server.url, ip));
    const before = await server.stats();
    const victim = before.workers.find((w) => conns.some((c) => c.worker === w.id))!;
    process.kill(victim.pid, 'SIGKILL');
    let after = before;
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await server.stats();
      const w = after.workers.find((x) => x.id === victim.id);
      if (w && w.pid !== victim.pid) break;
    }
    const respawned = after.workers.find((x) => x.id === victim.id);
    assert.ok(respawned && respawned.pid !== victim.pid, `${victim.id} respawned with a new pid`);
    assert.equal(after.counters.respawns, 1);
    for (const c of conns) {
      if (c.worker === victim.id) continue;
      assert.ok(c.s.connected, `a client of ${c.worker} stays connected`);
      assert.equal(await c.s.timeout(3000).emitWithAck('echo', 'still here'), 'still here');
    }
    for (const [i, ip] of ips(12).entries()) {
      const again = await connect(server.url, ip);
      conns.push(again);
      assert.equal(again.worker, conns[i]!.worker, `${ip} maps to the same slot after the respawn`);
    }
  } finally {
    for (const c of conns) c.s.disconnect();
    await server.stop();
  }
  for (const pid of server.pids) assert.ok(!alive(pid), `pid ${pid} still alive after stop()`);
});

test('lb-sticky:3: behind HAProxy every connection lands on one worker; the PROXY-protocol fix spreads them', async () => {
  await exercise('lb-sticky:3', 9, async (conns) => {
    assert.equal(new Set(conns.map((c) => c.worker)).size, 1, 'the famous collapse');
  });
  await exercise('lb-sticky:3:proxy', 9, async (conns, url) => {
    assert.ok(new Set(conns.map((c) => c.worker)).size >= 2, 'the real client address is hashed');
    const again = await connect(url, '127.0.0.4');
    conns.push(again);
    assert.equal(again.worker, conns[2]!.worker);
  });
});

test('long-polling: without stickiness the handshake fails (HTTP 400 Session ID unknown); sticky:3:sid and lb:3:cookie work', async () => {
  const plain = await startReferenceServer({ topology: 'cluster:3:rr', timeoutMs: 30_000 });
  try {
    const s = io(plain.url, { transports: ['polling'], forceNew: true, reconnection: false });
    const err = await new Promise<Error & { description?: unknown }>((resolve) => s.once('connect_error', resolve));
    s.disconnect();
    assert.equal(err.description, 400);
  } finally {
    await plain.stop();
  }
  for (const topology of ['sticky:3:sid', 'lb:3:cookie']) {
    const server = await startReferenceServer({ topology, timeoutMs: 30_000 });
    try {
      // one by one, each closed before the next (sessions come and go), then 9 at once: every
      // poll after a handshake races the worker's report of its new session to the primary
      for (const ip of ips(3)) {
        const c = await connect(server.url, ip, ['polling']);
        assert.equal(await c.s.timeout(3000).emitWithAck('echo', 'poll'), 'poll', topology);
        c.s.disconnect();
      }
      const many = await Promise.all([...ips(3), ...ips(3), ...ips(3)].map((ip) => connect(server.url, ip, ['polling'])));
      for (const c of many) assert.equal(await c.s.timeout(3000).emitWithAck('echo', 'poll'), 'poll', topology);
      if (topology.startsWith('sticky')) {
        // the session id names the slot of the worker that holds it, so the primary routes by it alone
        for (const c of many)
          assert.equal(
            (c.s.io.engine as unknown as { id: string }).id.split('.')[0],
            c.worker.split('#')[1],
            `${c.worker} issued ${(c.s.io.engine as unknown as { id: string }).id}`,
          );
        assert.equal((await server.stats()).counters.sidUnknown, 0, 'no request carried a sid the primary could not route');
      }
      for (const c of many) c.s.disconnect();
    } finally {
      await server.stop();
    }
  }
});

test('router:2x3: frontends share clients, backends serve RPCs, broadcasts cross frontends, a killed router is restarted', async () => {
  const server = await startReferenceServer({ topology: 'router:2x3', timeoutMs: 30_000 });
  const conns: Conn[] = [];
  let live: number[] = [];
  try {
    for (const ip of ips(4)) conns.push(await connect(server.url, ip));
    assert.deepEqual([...new Set(conns.map((c) => c.worker))].sort(), ['router-fe#0', 'router-fe#1']);
    assert.deepEqual(await conns[0]!.s.timeout(5000).emitWithAck('echo', { x: 1 }), { x: 1 });
    const backends = new Set<string>();
    for (let i = 0; i < 9; i++) backends.add(((await conns[i % 4]!.s.timeout(5000).emitWithAck('work', { ms: 1 })) as { backend: string }).backend);
    assert.ok(backends.size >= 2, `RPCs dealt over several backends: ${[...backends]}`);
    await crossWorkerBroadcast(conns);
    assert.equal((await server.stats()).counters.routerRestarts, 0);
    const brokerPid = server.pids[1]!; // [manager, router, backends…, frontends…]
    process.kill(brokerPid, 'SIGKILL');
    let restarts = 0;
    for (let i = 0; i < 50 && restarts === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      restarts = (await server.stats()).counters.routerRestarts ?? 0;
    }
    assert.equal(restarts, 1, 'the manager restarted the router');
    let echoed: unknown = null;
    for (let i = 0; i < 10 && echoed === null; i++) {
      echoed = await conns[1]!.s
        .timeout(1500)
        .emitWithAck('echo', 'back')
        .catch(() => null);
    }
    assert.equal(echoed, 'back', 'RPCs flow again through the new router');
  } finally {
    for (const c of conns) c.s.disconnect();
    live = await server.livePids().catch(() => []);
    await server.stop();
  }
  // the restarted router is among the processes running at stop, and it is gone too
  const replacements = live.filter((pid) => !server.pids.includes(pid));
  assert.ok(replacements.length >= 1, `the new router is reported live: ${live.join(', ')}`);
  for (const pid of [server.pid, ...server.pids, ...live]) assert.ok(!alive(pid), `pid ${pid} still alive after stop()`);
});
