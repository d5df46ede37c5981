import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionClient } from '../../src/clients/session-client.ts';
import { ClientOpError, type Transport } from '../../src/clients/types.ts';
import { monoMs, sleep } from '../../src/shared/clock.ts';
import { FakeSink } from './fake-sink.ts';

class FakeTransport implements Transport {
  ackDelayMs = 5;
  failConnect = false;
  neverAck = false;
  handler: (e: string, a: unknown[]) => void = () => {};
  async connect(): Promise<void> {
    await sleep(5);
    if (this.failConnect) throw new ClientOpError('connect_error', 'ECONNREFUSED');
  }
  emit(): void {}
  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    if (this.neverAck) return new Promise((_, rej) => setTimeout(() => rej(new ClientOpError('ack_timeout', `no ack for ${event}`)), timeoutMs));
    return sleep(this.ackDelayMs).then(() => args);
  }
  onEvent(h: (e: string, a: unknown[]) => void): void {
    this.handler = h;
  }
  onDisconnect(): void {}
  close(): void {}
}

const make = (intendedStart: number, t = new FakeTransport(), sink = new FakeSink()) => ({
  t,
  sink,
  c: new SessionClient(() => t, sink, { id: 7, sourceAddress: '127.0.0.2', intendedStart, ackTimeoutMs: 200, connectTimeoutMs: 200, random: () => 0.5 }),
});

test('connect latency counts from the intended start, including lateness', async () => {
  const due = monoMs() - 300; // the session was due 300 ms ago
  const { c, sink } = make(due);
  await c.connect();
  const end = monoMs();
  const [ms] = sink.of('connect');
  assert.ok(ms! >= 300 && ms! <= end - due, `connect ${ms}, ${end - due} ms after it was due`);
  assert.equal(sink.connected, 1);
  await c.disconnect();
  assert.equal(sink.connected, 0);
});

test('every(): an iteration that starts late is timed from its schedule', async () => {
  const { c, t, sink } = make(monoMs());
  await c.connect();
  t.ackDelayMs = 1;
  const t0 = monoMs();
  const started: number[] = [];
  const done: number[] = [];
  await c.every(20, 6, async (i) => {
    started.push(monoMs() - t0);
    // a closed body: one slow answer, then a busy generator (a blocking body) makes iteration 3 start late
    if (i === 2) {
      const until = monoMs() + 60;
      while (monoMs() < until); // the event loop is blocked: iteration 3 (due at +60) can only start at ~+100
    }
    await c.emitWithAck('echo', i);
    done[i] = monoMs();
  });
  const acks = sink.of('ack:echo');
  assert.equal(acks.length, 6);
  // every ack is timed from its slot on the schedule (base + 20 ms × i), however late it started:
  // the base is where iteration 0 was timed from
  const base = done[0]! - acks[0]!;
  acks.forEach((ms, i) =>
    assert.ok(Math.abs(ms - (done[i]! - (base + 20 * i))) < 3, `ack ${i}: ${ms.toFixed(1)} ms, ${(done[i]! - (base + 20 * i)).toFixed(1)} ms after its slot`),
  );
  assert.ok(started[3]! >= 95, `iteration 3 started at ${started[3]}`);
  // iteration 3 was due at +60ms but could only start at ~+100ms: its latency includes the ~40 ms wait
  assert.ok(acks[3]! >= 35, `late one should carry lateness, got ${acks[3]}`);
  assert.equal(sink.of('ack').length, 6);
});

test('every(): open loop, iterations due during a server stall are sent on schedule, not queued behind each other', async () => {
  // a server that answers nothing until the stall ends, then each ack after a 5 ms round trip
  class StallTransport extends FakeTransport {
    stallUntil = 0;
    sent: number[] = [];
    override emitWithAck(_e: string, args: unknown[]): Promise<unknown[]> {
      this.sent.push(monoMs());
      return sleep(Math.max(0, this.stallUntil - monoMs()) + 5).then(() => args);
    }
  }
  const t = new StallTransport();
  const { c, sink } = make(monoMs(), t);
  await c.connect();
  const t0 = monoMs();
  // the stall (600 ms) outlasts the whole schedule (30 iterations 10 ms apart): an open loop sends every iteration
  // during it; a closed loop would send the second only after it. The margins tolerate a busy machine's timer lag.
  t.stallUntil = t0 + 600;
  await c.every(10, 30, (i) => c.emitWithAck('echo', i).then(() => {}));
  const acks = sink.of('ack:echo');
  assert.equal(acks.length, 30);
  assert.equal(t.sent.length, 30);
  t.sent.forEach((at, i) =>
    assert.ok(at - t0 < 590, `iteration ${i} (due at +${i * 10}) sent at +${(at - t0).toFixed(1)} ms, after the stall: queued behind it`),
  );
  // each ack is timed from its schedule: the first carries the whole stall, the last about 600 - 290 ms of it
  const first = acks.reduce((a, b) => Math.max(a, b), 0);
  const last = acks.reduce((a, b) => Math.min(a, b), Infinity);
  assert.ok(first >= 595, `the one due first carries the stall: max ${first.toFixed(0)}`);
  assert.ok(last >= 295 && last < first - 200, `the one due last waited less: min ${last.toFixed(0)}, max ${first.toFixed(0)}`);
});

test('every(): the first iteration that throws stops the schedule and is rethrown', async () => {
  const { c } = make(monoMs());
  await c.connect();
  const ran: number[] = [];
  await assert.rejects(
    c.every(5, 10, async (i) => {
      ran.push(i);
      if (i === 2) throw new Error('boom');
    }),
    /boom/,
  );
  assert.deepEqual(ran, [0, 1, 2]);
});

test('think() advances the intended clock; a ramp range uses the random source', async () => {
  const start = monoMs();
  const { c, t, sink } = make(start);
  await c.connect();
  const base = start + sink.of('connect')[0]!; // the intended clock after connect: its completion
  await c.think([20, 60]); // random() = 0.5 → 40 ms
  assert.ok(monoMs() - base >= 39, `waited ${(monoMs() - base).toFixed(1)} ms`);
  // the intended clock now stands at base + 40 (not + 20 or + 60): block the loop, then an ack is
  // timed from there, the blocked time included
  const until = monoMs() + 50;
  while (monoMs() < until);
  t.ackDelayMs = 0;
  await c.emitWithAck('echo', 1);
  const end = monoMs();
  const [ack] = sink.of('ack:echo');
  assert.ok(Math.abs(ack! - (end - (base + 40))) < 3, `ack ${ack!.toFixed(1)} ms, ${(end - (base + 40)).toFixed(1)} ms after base + 40`);
});

test('ack timeouts and connect errors are classified and counted', async () => {
  const { c, t, sink } = make(monoMs());
  await c.connect();
  t.neverAck = true;
  await assert.rejects(c.timeout(30).emitWithAck('echo'), (e: unknown) => e instanceof ClientOpError && e.kind === 'ack_timeout');
  const bad = make(monoMs());
  bad.t.failConnect = true;
  await assert.rejects(bad.c.connect(), (e: unknown) => e instanceof ClientOpError && e.kind === 'connect_error');
  assert.deepEqual(
    sink.errors.map(([k]) => k),
    ['ack_timeout'],
  );
  assert.deepEqual(
    bad.sink.errors.map(([k]) => k),
    ['connect_error'],
  );
  assert.throws(
    () => bad.c.emit('x'),
    (e: unknown) => e instanceof ClientOpError && e.kind === 'disconnected',
  );
});

test('welcome identifies the worker once; broadcasts record fan-out latency and sequence gaps', async () => {
  const { c, t, sink } = make(monoMs());
  await c.connect();
  const seen: unknown[] = [];
  c.on('broadcast', (m) => seen.push(m));
  t.handler('welcome', [{ worker: { id: 'single#0', index: 0, pid: 1, node: 'h' } }]);
  t.handler('welcome', [{ worker: { id: 'other#1', index: 1, pid: 2, node: 'h' } }]);
  assert.deepEqual(sink.workers, ['single#0']);
  assert.equal(c.worker?.id, 'single#0');
  const ts = monoMs() - 12;
  for (const seq of [1, 2, 5, 4]) t.handler('broadcast', [{ room: 'r', seq, ts }]);
  assert.equal(sink.of('broadcast').length, 4);
  assert.ok(sink.of('broadcast')[0]! >= 12);
  assert.equal(sink.counters.get('broadcast.gaps'), 2);
  assert.equal(sink.counters.get('broadcast.outOfOrder'), 1);
  assert.equal(seen.length, 4);
  const w = c.waitFor('news', 500);
  t.handler('news', ['hello']);
  assert.deepEqual(await w, ['hello']);
});

test('server error acks reject with server_error', async () => {
  const { c, t, sink } = make(monoMs());
  await c.connect();
  t.emitWithAck = async () => [{ error: 'room name too long' }];
  await assert.rejects(c.join('x'.repeat(300)), (e: unknown) => e instanceof ClientOpError && e.kind === 'server_error');
  assert.equal(sink.errors[0]![0], 'server_error');
});

test('reconnect(): times `reconnect`, opens a new transport and records whether the worker stayed', async () => {
  const sink = new FakeSink();
  const made: FakeTransport[] = [];
  const c = new SessionClient(
    () => {
      const t = new FakeTransport();
      made.push(t);
      return t;
    },
    sink,
    { id: 1, sourceAddress: '127.0.0.2', intendedStart: monoMs(), ackTimeoutMs: 200, connectTimeoutMs: 200, random: () => 0.5 },
  );
  await c.connect();
  made[0]!.handler('welcome', [{ worker: { id: 'sticky#2', index: 2, pid: 1, node: 'h' } }]);
  await c.reconnect();
  assert.equal(made.length, 2);
  assert.equal(c.worker, null);
  made[1]!.handler('welcome', [{ worker: { id: 'sticky#2', index: 2, pid: 9, node: 'h' } }]);
  await c.reconnect();
  made[2]!.handler('welcome', [{ worker: { id: 'sticky#0', index: 0, pid: 3, node: 'h' } }]);
  assert.equal(sink.counters.get('reconnect.sameWorker'), 1);
  assert.equal(sink.counters.get('reconnect.otherWorker'), 1);
  assert.equal(sink.of('reconnect').length, 2);
  assert.equal(sink.connected, 1);
  assert.deepEqual(sink.errors, [], 'closing our own connection is not an error');
});

test('an operation started early (timer fired before its time) is timed from its actual start', async () => {
  const { c, t, sink } = make(monoMs());
  await c.connect();
  t.ackDelayMs = 5;
  // the intended clock is 50 ms ahead: as if a timer woke us early
  (c as unknown as { cursor: number }).cursor = monoMs() + 50;
  await c.emitWithAck('echo', 1);
  const [ms] = sink.of('ack:echo');
  assert.ok(ms! >= 4, `the round trip is not shortened: ${ms}`);
});

test('on() handlers: one that throws is reported (a session_error) and the others still run; the first handler of an event starts listening', async () => {
  const { EventHandlers } = await import('../../src/clients/handlers.ts');
  const thrown: unknown[] = [];
  const h = new EventHandlers((e) => thrown.push(e));
  const seen: string[] = [];
  assert.equal(
    h.add('m', () => {
      throw new Error('bad handler');
    }),
    true,
  );
  const second = (x: unknown): void => void seen.push(String(x));
  assert.equal(h.add('m', second), false);
  h.call('m', ['a']);
  assert.deepEqual(seen, ['a']);
  assert.deepEqual(
    thrown.map((e) => (e as Error).message),
    ['bad handler'],
  );
  h.remove('m', second);
  h.call('m', ['b']);
  assert.deepEqual(seen, ['a']);
  assert.deepEqual([...h.events()], ['m']);
  h.call('nobody', ['c']);
  assert.equal(thrown.length, 2);
});
