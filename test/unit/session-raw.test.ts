/** The raw WebSocket API of the session client (`send`, `onMessage`, `waitForMessage`, `request`) and connect options reuse. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectOptions } from '../../src/clients/connect-options.ts';
import { SessionClient } from '../../src/clients/session-client.ts';
import { ClientOpError, type RawMessage, type Transport } from '../../src/clients/types.ts';
import { describeUserError } from '../../src/generator/runner.ts';
import { monoMs, sleep } from '../../src/shared/clock.ts';
import { FakeSink as Sink } from './fake-sink.ts';

/** A JSON-RPC-like echo server behind a fake transport: each request `{id}` is answered after `delayMs`. */
class RawTransport implements Transport {
  delayMs = 5;
  sent: Array<string | Uint8Array> = [];
  raw: (m: RawMessage, json: unknown) => void = () => {};
  disconnect: (reason: string) => void = () => {};
  constructor(readonly options: ConnectOptions) {}
  async connect(): Promise<void> {
    await sleep(1);
  }
  emit(): void {}
  emitWithAck(): Promise<unknown[]> {
    return Promise.resolve([]);
  }
  onEvent(): void {}
  onDisconnect(h: (reason: string) => void): void {
    this.disconnect = h;
  }
  sendRaw(data: string | Uint8Array): void {
    this.sent.push(data);
    if (typeof data !== 'string') return;
    const req = JSON.parse(data) as { id?: number };
    if (req.id !== undefined) setTimeout(() => this.deliver(JSON.stringify({ id: req.id, result: 'ok' })), this.delayMs);
  }
  deliver(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    this.raw(text, json);
  }
  onRaw(h: (m: RawMessage, json: unknown) => void): void {
    this.raw = h;
  }
  close(): void {}
}

const byId = (id: number) => (_m: RawMessage, json: unknown) => (json as { id?: number } | undefined)?.id === id;

function make(intendedStart = monoMs(), extra: Partial<ConstructorParameters<typeof SessionClient>[2]> = {}) {
  const sink = new Sink();
  const made: RawTransport[] = [];
  const c = new SessionClient(
    (o) => {
      const t = new RawTransport(o);
      made.push(t);
      return t;
    },
    sink,
    {
      id: 1,
      sourceAddress: '127.0.0.2',
      intendedStart,
      ackTimeoutMs: 300,
      connectTimeoutMs: 300,
      random: () => 0.5,
      rawFrames: true,
      describeError: (e) => describeUserError(e, 'session-raw.test.ts'),
      ...extra,
    },
  );
  return { c, sink, made };
}

test('request(): resolves with the first matching message, timed as request and request:<name>', async () => {
  const { c, sink, made } = make();
  await c.connect();
  const reply = await c.request(JSON.stringify({ id: 7 }), byId(7), { name: 'add' });
  assert.equal(reply, '{"id":7,"result":"ok"}');
  assert.equal(sink.of('request').length, 1);
  assert.equal(sink.of('request:add').length, 1);
  assert.ok(sink.of('request')[0]! >= 4, `${sink.of('request')[0]}`);
  assert.equal(sink.counters.get('messages.sent'), 1);
  assert.equal(sink.counters.get('messages.received'), 1);
  assert.deepEqual(made[0]!.sent, ['{"id":7}']);
});

test('request(): timed from the intended send time, so a late start carries its lateness (as emitWithAck)', async () => {
  const { c, sink } = make();
  await c.connect();
  await c.every(20, 4, async (i) => {
    if (i === 1) {
      const until = monoMs() + 60;
      while (monoMs() < until); // a busy generator: iteration 2 (due at +40) starts at ~+80
    }
    await c.request(JSON.stringify({ id: i }), byId(i), { name: 'x' });
  });
  const ms = sink.of('request:x');
  assert.equal(ms.length, 4);
  assert.ok(Math.max(...ms) >= 40, `the late iteration carries its ~40 ms wait: ${ms.map((m) => m.toFixed(0)).join(' ')}`);
});

test('every incoming message is counted, consumed or not; onMessage sees each; one message settles at most one waiter', async () => {
  const { c, sink, made } = make();
  await c.connect();
  const seen: RawMessage[] = [];
  c.onMessage((m) => seen.push(m));
  const a = c.waitForMessage((_m, j) => (j as { n?: number } | undefined)?.n === 1);
  const b = c.waitForMessage((_m, j) => (j as { n?: number } | undefined)?.n === 1);
  const t = made[0]!;
  t.deliver('{"n":1}');
  t.deliver('not json');
  t.raw(Buffer.from([1, 2, 3]), undefined);
  t.deliver('{"n":1}');
  assert.equal(await a, '{"n":1}');
  assert.equal(await b, '{"n":1}');
  assert.equal(sink.counters.get('messages.received'), 4);
  assert.equal(seen.length, 4);
  assert.ok(Buffer.isBuffer(seen[2]));
});

test('waitForMessage / request time out as wait_timeout / request_timeout, counted', async () => {
  const { c, sink, made } = make();
  await c.connect();
  made[0]!.delayMs = 10_000;
  await assert.rejects(
    c.waitForMessage(() => false, 30),
    (e: unknown) => e instanceof ClientOpError && e.kind === 'wait_timeout',
  );
  await assert.rejects(
    c.request(JSON.stringify({ id: 1 }), byId(1), { name: 'slow', timeout: 30 }),
    (e: unknown) => e instanceof ClientOpError && e.kind === 'request_timeout' && /request `slow`/.test(e.message),
  );
  assert.deepEqual(
    sink.errors.map(([k]) => k),
    ['wait_timeout', 'request_timeout'],
  );
  assert.equal(sink.of('request').length, 0);
});

test('a dropped connection rejects pending requests and waits as disconnected, as pending acks', async () => {
  const { c, sink, made } = make();
  await c.connect();
  made[0]!.delayMs = 10_000;
  const req = c.request(JSON.stringify({ id: 1 }), byId(1));
  const wait = c.waitForMessage(() => false, 10_000);
  made[0]!.disconnect('transport close');
  await assert.rejects(req, (e: unknown) => e instanceof ClientOpError && e.kind === 'disconnected');
  await assert.rejects(wait, (e: unknown) => e instanceof ClientOpError && e.kind === 'disconnected');
  assert.equal(sink.errors.filter(([k]) => k === 'disconnected').length, 3);
});

test('a match that throws is counted as session_error with its line, and rejects its own request only', async () => {
  const { c, sink, made } = make();
  await c.connect();
  const bad = c.request(JSON.stringify({ id: 1 }), () => {
    throw new TypeError('bad matcher');
  });
  const good = c.request(JSON.stringify({ id: 2 }), byId(2));
  await assert.rejects(bad, (e: unknown) => e instanceof ClientOpError && e.kind === 'session_error');
  assert.equal(await good, '{"id":2,"result":"ok"}');
  const [kind, msg] = sink.errors[0]!;
  assert.equal(kind, 'session_error');
  assert.match(msg, /a `match` function threw: TypeError: bad matcher \(.*session-raw\.test\.ts:\d+/);
  assert.equal(made.length, 1);
});

test('the raw API on a Socket.IO engine is a clear error', async () => {
  const { c, sink } = make(monoMs(), { rawFrames: false });
  assert.throws(() => c.send('x'), /`client.send\(\)` needs engine 'ws'/);
  assert.throws(() => c.onMessage(() => {}), /`client.onMessage\(\)` needs engine 'ws'/);
  assert.equal(sink.errors[0]![0], 'session_error');
});

test('connect options: the scenario default and the call merge; reconnect() and automatic reconnection reuse them', async () => {
  let calls = 0;
  const { c, made } = make(monoMs(), {
    connectDefaults: () => {
      calls++;
      return { query: { token: 't1' }, headers: { 'x-tenant': 'acme' } };
    },
    reconnect: { attempts: 3, delayMs: 1, maxDelayMs: 2 },
  });
  await c.connect({ query: { room: 'a' } });
  await c.reconnect();
  made[1]!.disconnect('transport close'); // an unexpected drop: rtbench's loop reconnects
  for (let i = 0; i < 100 && made.length < 3; i++) await sleep(5);
  const want = { namespace: undefined, auth: undefined, query: { token: 't1', room: 'a' }, headers: { 'x-tenant': 'acme' } };
  assert.equal(made.length, 3);
  for (const t of made) assert.deepEqual(t.options, want);
  assert.equal(calls, 1, 'the default is resolved once per client');
  await c.disconnect();
});
