import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startReferenceServer, type ServerHandle } from '../../reference-server/start.ts';
import { loadEngine, type EngineFactory } from '../../src/clients/index.ts';
import { SessionClient } from '../../src/clients/session-client.ts';
import type { MetricsSink } from '../../src/metrics/sink.ts';
import type { EngineName } from '../../src/clients/engine-name.ts';
import { monoMs } from '../../src/shared/clock.ts';
import { alive } from './helpers.ts';

/** A sink that keeps what clients record. */
function sink(): MetricsSink & { metrics: Map<string, number[]>; counters: Map<string, number>; errors: string[] } {
  const metrics = new Map<string, number[]>();
  const counters = new Map<string, number>();
  const errors: string[] = [];
  return {
    metrics,
    counters,
    errors,
    record: (m, ms) => void (metrics.get(m) ?? metrics.set(m, []).get(m)!).push(ms),
    count: (n, k = 1) => void counters.set(n, (counters.get(n) ?? 0) + k),
    error: (kind, msg) => void errors.push(`${kind}: ${msg}`),
    worker: () => {},
    connectedDelta: () => {},
  };
}

const PATHS: Record<Exclude<EngineName, 'sse'>, string> = {
  'socket.io': '/socket.io',
  'socket.io-lean': '/socket.io',
  ws: '/ws',
  socketcluster: '/socketcluster/',
}; // pub/sub engines (sse only receives)
const engines = Object.fromEntries(
  await Promise.all((Object.keys(PATHS) as Array<keyof typeof PATHS>).map(async (e) => [e, await loadEngine(e)] as const)),
) as Record<keyof typeof PATHS, EngineFactory>;

function client(engine: keyof typeof PATHS, url: string, id: number, s: MetricsSink): SessionClient {
  const sourceAddress = `127.0.0.${2 + (id % 50)}`;
  return new SessionClient(() => engines[engine]({ target: url, path: PATHS[engine], localAddress: sourceAddress, transports: ['websocket'] }), s, {
    id,
    sourceAddress,
    intendedStart: monoMs(),
    ackTimeoutMs: 8000,
    connectTimeoutMs: 15_000,
    random: Math.random,
  });
}

/** Wait until `cond` holds (bounded). */
async function until(cond: () => boolean, ms = 8000): Promise<void> {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 30));
}

/** Connect `n` clients, subscribe all to a channel, publish `k` from one of them; each must get each message exactly once, in order. */
async function fanOut(
  engine: keyof typeof PATHS,
  url: string,
  n: number,
  k: number,
  channel: string,
): Promise<{ clients: SessionClient[]; s: ReturnType<typeof sink>; got: Map<number, number[]> }> {
  const s = sink();
  const clients: SessionClient[] = [];
  const got = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = client(engine, url, i, s);
    await c.connect();
    await until(() => c.worker !== null);
    got.set(i, []);
    c.on('publish', (m) => {
      const msg = m as { channel: string; data: { n: number } };
      if (msg.channel === channel) got.get(i)!.push(msg.data.n);
    });
    await c.subscribe(channel);
    clients.push(c);
  }
  for (let j = 0; j < k; j++) await clients[0]!.publish(channel, { n: j });
  await until(() => [...got.values()].every((v) => v.length >= k));
  await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive now
  const want = Array.from({ length: k }, (_, j) => j);
  for (const [i, v] of got) assert.deepEqual(v, want, `${engine}: client ${i} (on ${clients[i]!.worker?.id}) got ${JSON.stringify(v)}`);
  assert.equal(s.metrics.get('publish')?.length, n * k, `${engine}: every delivery timed as \`publish\``);
  assert.equal(s.metrics.get('ack:subscribe')?.length, n);
  assert.equal(s.metrics.get('ack:publish')?.length, k);
  assert.equal(s.counters.get('publish.gaps') ?? 0, 0);
  assert.equal(s.counters.get('publish.duplicates') ?? 0, 0);
  assert.deepEqual(await clients[0]!.emitWithAck('echo', { x: 1 }), { x: 1 }, `${engine}: emitWithAck (SocketCluster: invoke)`);
  assert.ok(s.metrics.get('ack:echo')?.length === 1);
  return { clients, s, got };
}

async function unsubscribeStops(engine: keyof typeof PATHS, r: Awaited<ReturnType<typeof fanOut>>, channel: string): Promise<void> {
  const [a, b] = r.clients;
  await b!.unsubscribe(channel);
  assert.equal(r.s.metrics.get('ack:unsubscribe')?.length, 1, `${engine}: unsubscribe is acked and timed`);
  const before = r.got.get(1)!.length;
  await a!.publish(channel, { n: 99 });
  await until(() => r.got.get(0)!.includes(99));
  await new Promise((res) => setTimeout(res, 300));
  assert.ok(r.got.get(0)!.includes(99), `${engine}: a subscriber still gets it`);
  assert.equal(r.got.get(1)!.length, before, `${engine}: the unsubscribed client gets nothing more`);
  // unsubscribe then subscribe again at once: the new subscription delivers, once
  await b!.subscribe(channel);
  await b!.unsubscribe(channel);
  await b!.subscribe(channel);
  await a!.publish(channel, { n: 100 });
  await until(() => r.got.get(1)!.includes(100));
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(r.got.get(1)!.slice(before), [100], `${engine}: resubscribed, it gets the next message exactly once`);
}

/**
 * Stop the server and check that nothing is left running: the processes it started with and those
 * running at stop time (replacements of killed ones included), which must contain `replacements`.
 */
async function stopAndCheck(server: ServerHandle, clients: SessionClient[], replacements: number[] = []): Promise<void> {
  for (const c of clients) await c.disconnect();
  const running = await server.livePids(10_000);
  assert.ok(running.includes(server.pid), `${server.topology}: the topology process is among the running ones: ${running}`);
  for (const pid of replacements) assert.ok(running.includes(pid), `${server.topology}: replacement pid ${pid} is among the running ones at stop: ${running}`);
  await server.stop();
  await new Promise((r) => setTimeout(r, 500));
  for (const pid of new Set([server.pid, ...server.pids, ...running])) assert.ok(!alive(pid), `${server.topology}: pid ${pid} still alive after stop()`);
}

test('channel calls on the Socket.IO family, raw ws and SocketCluster against `single`/`socketcluster:1`: subscribe, publish exactly once, unsubscribe', async () => {
  for (const [engine, topology] of [
    ['socket.io', 'single'],
    ['socket.io-lean', 'single'],
    ['ws', 'single'],
    ['socketcluster', 'socketcluster:1'],
  ] as const) {
    const server = await startReferenceServer({ topology, timeoutMs: 40_000 });
    let clients: SessionClient[] = [];
    try {
      const r = await fanOut(engine, server.url, 4, 5, `news-${engine}`);
      clients = r.clients;
      await unsubscribeStops(engine, r, `news-${engine}`);
      assert.deepEqual(r.s.errors, []);
    } finally {
      await stopAndCheck(server, clients);
    }
  }
});

test('channels across workers: cluster:2 (cluster adapter) with socket.io-lean, exactly once on both workers', async () => {
  const server = await startReferenceServer({ topology: 'cluster:2:rr', timeoutMs: 40_000 });
  let clients: SessionClient[] = [];
  try {
    const r = await fanOut('socket.io-lean', server.url, 6, 4, 'room-x');
    clients = r.clients;
    assert.equal(new Set(clients.map((c) => c.worker?.id)).size, 2, 'clients sit on both workers');
  } finally {
    await stopAndCheck(server, clients);
  }
});

test('socketcluster:2:rr: workers from socketcluster-server, a cross-worker publish through scc-broker delivered exactly once, a killed worker and a killed broker replaced, nothing left running', async () => {
  const server = await startReferenceServer({ topology: 'socketcluster:2:rr', timeoutMs: 60_000 });
  let clients: SessionClient[] = [];
  const replacements: number[] = []; // a respawned worker, a restarted broker: not in server.pids
  try {
    const r = await fanOut('socketcluster', server.url, 6, 5, 'scc-news');
    clients = r.clients;
    const byWorker = new Map<string, number>();
    for (const c of clients) byWorker.set(c.worker!.id, (byWorker.get(c.worker!.id) ?? 0) + 1);
    assert.deepEqual([...byWorker.keys()].sort(), ['socketcluster#0', 'socketcluster#1'], 'rr deals clients to both workers');
    const stats = await server.stats();
    assert.equal(
      stats.workers.reduce((a, w) => a + w.total, 0),
      6,
      'per-worker counts from the workers themselves',
    );
    assert.deepEqual(stats.workers.map((w) => w.id).sort(), ['socketcluster#0', 'socketcluster#1']);

    // the broker dies: the supervisor starts it again on its port; once it has rejoined, channels cross workers again
    const brokerOut = await server.fault({ action: 'kill', role: 'broker', index: 0, forMs: null }, 40_000);
    assert.ok(brokerOut.replacedMs !== null, `broker replaced: ${JSON.stringify(brokerOut)}`);
    assert.notEqual(brokerOut.newPid, brokerOut.pid);
    replacements.push(brokerOut.newPid!);
    const publisher = clients[0]!;
    const far = clients.find((c) => c.worker!.id !== publisher.worker!.id)!;
    const farGot = r.got.get(clients.indexOf(far))!;
    for (let attempt = 0; attempt < 40 && !farGot.includes(1000 + attempt - 1); attempt++) {
      await publisher.publish('scc-news', { n: 1000 + attempt });
      await new Promise((res) => setTimeout(res, 250));
    }
    assert.ok(
      farGot.some((n) => n >= 1000),
      'after the broker restart, a publish reaches the other worker again',
    );

    // a worker hung for a moment (SIGSTOP, SIGCONT): it serves on afterwards
    const paused = await server.fault({ action: 'pause', role: 'worker', index: 0, forMs: 1000 }, 30_000);
    assert.ok(paused.pid > 0, JSON.stringify(paused));
    await new Promise((res) => setTimeout(res, 1500));
    const onZero = clients.find((c) => c.worker!.id === 'socketcluster#0')!;
    assert.deepEqual(await onZero.emitWithAck('echo', 'after-pause'), 'after-pause', 'the paused worker answers again');

    // a worker dies: respawned in its slot; its clients are disconnected, a new client is served by it again
    const out = await server.fault({ action: 'kill', role: 'worker', index: 1, forMs: null }, 40_000);
    assert.ok(out.replacedMs !== null && out.newPid !== out.pid, `worker respawned: ${JSON.stringify(out)}`);
    replacements.push(out.newPid!);
    const after = await server.stats();
    assert.equal(after.workers.length, 2, 'both workers answer after the respawn');
    assert.ok(after.counters.respawns! >= 1 && after.counters.brokerRestarts! >= 1, JSON.stringify(after.counters));
    const seen = new Set<string>();
    const s2 = sink();
    for (let i = 0; i < 6; i++) {
      const c = client('socketcluster', server.url, 100 + i, s2);
      clients.push(c);
      await c.connect();
      await until(() => c.worker !== null);
      seen.add(c.worker!.id);
    }
    assert.ok(seen.has('socketcluster#1'), `the respawned worker serves again: ${[...seen]}`);
    assert.ok(
      replacements.every((pid) => !server.pids.includes(pid)),
      'the replacements are not among the PIDs at start',
    );
  } finally {
    await stopAndCheck(server, clients, replacements);
  }
});
