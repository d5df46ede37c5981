import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { InputError } from '../../src/shared/errors.ts';
import { monoMs } from '../../src/shared/clock.ts';
import { startReferenceServer, type ServerHandle } from '../../reference-server/start.ts';
import { alive } from './helpers.ts';

let server: ServerHandle;
const sockets: Socket[] = [];
before(async () => {
  server = await startReferenceServer({ topology: 'single' });
});
after(async () => {
  for (const s of sockets) s.disconnect();
  await server.stop();
});

async function client(): Promise<{ s: Socket; welcome: { worker: { id: string; pid: number }; topology: string; ts: number } }> {
  const s = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(s);
  const welcome = await new Promise<never>((resolve) => s.once('welcome', resolve));
  return { s, welcome };
}

test('welcome names the worker; echo acks its arguments', async () => {
  const { s, welcome } = await client();
  assert.equal(welcome.worker.id, 'single#0');
  assert.equal(welcome.worker.pid, server.pid);
  assert.equal(welcome.topology, 'single');
  assert.ok(Math.abs(welcome.ts - monoMs()) < 5000, 'server ts is on the shared monotonic clock');
  assert.deepEqual(await s.timeout(2000).emitWithAck('echo', { a: 1 }), { a: 1 });
});

test('rooms: broadcast reaches every member with increasing seq and the sender ts; leave stops delivery', async () => {
  const a = await client();
  const b = await client();
  await a.s.emitWithAck('join', 'r1');
  await b.s.emitWithAck('join', 'r1');
  const got: Array<{ seq: number; ts: number }> = [];
  b.s.on('broadcast', (m) => got.push(m));
  const ack1 = await a.s.emitWithAck('broadcast', 'r1', { ts: 123 });
  await a.s.emitWithAck('broadcast', 'r1', { ts: 456 });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(ack1.seq, 1);
  assert.deepEqual(
    got.map((m) => [m.seq, m.ts]),
    [
      [1, 123],
      [2, 456],
    ],
  );
  await b.s.emitWithAck('leave', 'r1');
  await a.s.emitWithAck('broadcast', 'r1', { ts: 789 });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(got.length, 2);
  assert.deepEqual(await a.s.emitWithAck('join', ''), { error: 'room must be a non-empty string of at most 200 characters' });
});

test('push delivers count events at the rate with increasing seq', async () => {
  const { s } = await client();
  const seqs: number[] = [];
  s.on('push', (m: { seq: number }) => seqs.push(m.seq));
  const t0 = Date.now();
  await s.emitWithAck('push', { rate: 50, count: 10 });
  while (seqs.length < 10 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(Date.now() - t0 >= 150, 'rate-limited');
});

test('the ws flavour: welcome, echo ack, rooms and broadcast, errors on junk', async () => {
  const url = `${server.url.replace('http', 'ws')}/ws`;
  const open = async (): Promise<{ ws: WebSocket; msgs: Array<Record<string, unknown>> }> => {
    const ws = new WebSocket(url);
    const msgs: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    return { ws, msgs };
  };
  const wait = async (pred: () => boolean): Promise<void> => {
    for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  const a = await open();
  const b = await open();
  try {
    await wait(() => a.msgs.length > 0);
    assert.equal(a.msgs[0]!.e, 'welcome');
    a.ws.send(JSON.stringify({ e: 'echo', a: ['x', 2], id: 7 }));
    b.ws.send(JSON.stringify({ e: 'join', a: ['room'], id: 1 }));
    await wait(() => a.msgs.some((m) => m.ack === 7) && b.msgs.some((m) => m.ack === 1));
    assert.deepEqual(a.msgs.find((m) => m.ack === 7)!.a, ['x', 2]);
    a.ws.send(JSON.stringify({ e: 'broadcast', a: ['room', { ts: 5 }], id: 8 }));
    await wait(() => b.msgs.some((m) => m.e === 'broadcast'));
    const bc = b.msgs.find((m) => m.e === 'broadcast')!.a as Array<{ seq: number; ts: number }>;
    assert.equal(bc[0]!.ts, 5);
    a.ws.send('not json');
    await wait(() => a.msgs.some((m) => m.e === 'error'));
    assert.ok(a.msgs.some((m) => m.e === 'error'));
  } finally {
    a.ws.close();
    b.ws.close();
  }
});

test('admin: stats count connections; stall blocks the event loop for about N ms', async () => {
  const { s } = await client();
  const stats = (await (await fetch(`${server.url}/__rtbench/stats`)).json()) as { connections: { socketio: number }; worker: { id: string } };
  assert.equal(stats.worker.id, 'single#0');
  assert.ok(stats.connections.socketio >= 1);
  // t0 before the POST: the stall starts after the response is written, and the echo can only be
  // sent after the response arrives, so its reply cannot come before the 400 ms stall has ended
  const t0 = performance.now();
  const res = await fetch(`${server.url}/__rtbench/stall?ms=400`, { method: 'POST' });
  assert.equal(res.status, 200);
  await s.timeout(3000).emitWithAck('echo', 1);
  assert.ok(performance.now() - t0 >= 395, `echo during a 400 ms stall took ${performance.now() - t0}ms`);
});

test('unknown topology is rejected before forking; stop() leaves no live process', async () => {
  await assert.rejects(startReferenceServer({ topology: 'nope' }), (e: unknown) => e instanceof InputError && e.code === 'E_UNKNOWN_TOPOLOGY');
  const other = await startReferenceServer({ topology: 'single' });
  assert.ok(alive(other.pid));
  await other.stop();
  await other.stop();
  assert.ok(!alive(other.pid));
});
