import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileDelivery, DeliveryTracker } from '../../src/clients/delivery.ts';
import { resolveSequences } from '../../src/scenario/sequences.ts';
import { monoMs } from '../../src/shared/clock.ts';
import { stampAge } from '../../src/shared/clock-domain.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { parseThreshold, type Threshold } from '../../src/thresholds/parse.ts';
import { evaluateThresholds } from '../../src/thresholds/evaluate.ts';
import { FakeSink } from './fake-sink.ts';

const describe = (e: unknown): string => String(e);

function tracker(decls: Record<string, unknown>, extra: Record<string, unknown> = {}): { t: DeliveryTracker; sink: FakeSink } {
  const problems: string[] = [];
  const resolved = resolveSequences({ sequences: decls, ...extra }, 'socket.io', undefined, problems);
  assert.deepEqual(problems, []);
  const plan = compileDelivery(resolved, decls as never, extra.parseMessage as never, 0, describe)!;
  const sink = new FakeSink();
  return { t: new DeliveryTracker(plan, sink), sink };
}

const c = (sink: FakeSink, k: string): number => sink.counters.get(`seq:ticks.${k}`) ?? 0;

test('sequences: received, lost, duplicates and out-of-order per key; a late number is taken back out of lost', () => {
  const { t, sink } = tracker({ ticks: { event: 'tick', seq: 'seq', key: 'room' } });
  const tick = (room: string, seq: number): void => t.onEvent('tick', [{ room, seq }]);
  tick('a', 1);
  tick('a', 2);
  tick('b', 7); // first of key b: no gap before it
  tick('a', 5); // 3, 4 missing
  assert.equal(c(sink, 'lost'), 2);
  tick('a', 5); // again
  tick('a', 3); // late, fills part of the gap on this connection: out of order, no longer lost
  tick('b', 8);
  t.onEvent('other', [{ room: 'a', seq: 4 }]); // another event: not this sequence
  assert.deepEqual([c(sink, 'received'), c(sink, 'lost'), c(sink, 'duplicates'), c(sink, 'outOfOrder'), c(sink, 'replayed')], [7, 1, 1, 1, 0]);
});

test('sequences: what arrives while reconnecting, or fills a gap left before a reconnection, is replayed', () => {
  const { t, sink } = tracker({ ticks: { event: 'tick', seq: (d: { n: number }) => d.n } });
  const tick = (n: number): void => t.onEvent('tick', [{ n }]);
  tick(1);
  tick(4); // 2, 3 lost so far
  t.disconnected();
  tick(5); // delivered before the reconnection completed (Socket.IO's recovery burst)
  t.reconnected();
  tick(2); // fills a gap opened before the reconnection
  tick(6);
  assert.deepEqual([c(sink, 'received'), c(sink, 'lost'), c(sink, 'replayed'), c(sink, 'outOfOrder')], [5, 1, 2, 0]);
});

test('sequences: an event without a whole-number seq is unreadable, told once, not received', () => {
  const { t, sink } = tracker({ ticks: { event: 'tick', seq: 'meta.seq' } });
  t.onEvent('tick', [{ meta: { seq: 'x' } }]);
  t.onEvent('tick', [{}]);
  t.onEvent('tick', [{ meta: { seq: 3 } }]);
  assert.deepEqual([c(sink, 'unreadable'), c(sink, 'received')], [2, 1]);
  assert.equal(sink.errors.length, 1);
  assert.match(sink.errors[0]![1], /sequences\.ticks: a `tick` event without a whole-number seq/);
});

test('sentAt: wall-clock and monotonic stamps are converted; a foreign clock is refused, never recorded as 0', () => {
  const { t, sink } = tracker({ ticks: { event: 'tick', seq: 'seq', sentAt: 'ts' } });
  t.onEvent('tick', [{ seq: 1, ts: Date.now() - 30 }]);
  t.onEvent('tick', [{ seq: 2, ts: monoMs() - 20 }]);
  t.onEvent('tick', [{ seq: 3, ts: monoMs() - 3_600_000 }]); // performance.now() of a process started an hour after boot
  t.onEvent('tick', [{ seq: 4, ts: Date.now() / 1000 }]); // seconds
  t.onEvent('tick', [{ seq: 5, ts: Date.now() + 5000 }]); // a sender's clock ahead of ours
  const lat = sink.of('seq:ticks');
  assert.equal(lat.length, 2);
  assert.ok(lat[0]! >= 30 && lat[0]! < 1000, `wall-clock age ${lat[0]}`);
  assert.ok(lat[1]! >= 20 && lat[1]! < 1000, `monotonic age ${lat[1]}`);
  assert.equal(c(sink, 'rejected'), 2);
  assert.equal(c(sink, 'negative'), 1);
  assert.equal(c(sink, 'received'), 5);
  assert.deepEqual(sink.errors.map(([k]) => k), ['clock_domain']);
  assert.match(sink.errors[0]![1], /neither the wall clock .* nor this host's monotonic clock/);
  assert.match((stampAge(Date.now() / 1000, monoMs(), 0, Date.now()) as { refused: string }).refused, /seconds since the epoch/);
  // thresholds on the biased trend fail, with the reason
  const th = parseThreshold('seq:ticks.p99', '< 1000ms') as Threshold;
  const counters = Object.fromEntries(sink.counters);
  const [r] = evaluateThresholds([th], { metrics: { 'seq:ticks': { count: 2, p50: 20, p90: 30, p99: 30, mean: 25, min: 20, max: 30 } as never }, counters, workers: {} as never, durationMs: 1000 });
  assert.equal(r!.ok, false);
  assert.match(r!.note!, /sentAt stamps/);
});

test('raw frames reach sequences through parseMessage', () => {
  const parseMessage = (_m: unknown, json: unknown): { event: string; data: unknown } | null => (json && typeof json === 'object' && 'tick' in json ? { event: 'tick', data: json } : null);
  const { t, sink } = tracker({ ticks: { event: 'tick', seq: 'tick' } }, { parseMessage });
  for (const n of [1, 2, 4]) t.onRaw(JSON.stringify({ tick: n }), { tick: n });
  t.onRaw('hello', undefined);
  assert.deepEqual([c(sink, 'received'), c(sink, 'lost')], [3, 1]);
});

test('bad `sequences` and `parseMessage` are refused before any load, naming the field', () => {
  const base = { name: 'x', phases: [{ duration: '1s', arrivalRate: 1 }], session: async () => {} };
  const err = (extra: Record<string, unknown>): string => {
    try {
      validateScenario({ ...base, ...extra }, 's.ts');
    } catch (e) {
      return [(e as Error).message, ...((e as { details?: string[] }).details ?? [])].join('\n');
    }
    return '';
  };
  assert.match(err({ sequences: { ticks: { event: 'tick' } } }), /`sequences\.ticks\.seq` is required/);
  assert.match(err({ sequences: { ticks: { event: 'tick', seq: 'a..b' } } }), /`sequences\.ticks\.seq` must be a field path/);
  assert.match(err({ sequences: { ticks: { event: 'tick', seq: 'seq', sentat: 'ts' } } }), /`sequences\.ticks\.sentat` is not a sequence field \(did you mean `sentAt`\?\)/);
  assert.match(err({ sequences: { ticks: { seq: 'seq' } } }), /`sequences\.ticks\.event` must be the name/);
  assert.match(err({ engine: 'ws', protocol: 'raw', sequences: { ticks: { event: 'tick', seq: 'seq' } } }), /need `parseMessage/);
  assert.match(err({ thresholds: { 'seq:tick.lossRate': '< 1%' }, sequences: { ticks: { event: 'tick', seq: 'seq' } } }), /names the sequence `tick`, which `sequences` does not declare \(did you mean `ticks`\?\)/);
  assert.match(err({ thresholds: { 'seq:ticks.p99': '< 50ms' }, sequences: { ticks: { event: 'tick', seq: 'seq' } } }), /needs `sequences\.ticks\.sentAt`/);
  const ok = validateScenario({ ...base, sequences: { ticks: { event: 'tick', seq: 'seq', sentAt: 'ts' } }, thresholds: { 'seq:ticks.lossRate': '< 0.1%', 'seq:ticks.p99': '< 50ms', 'recovery.resumedRate': '> 99%', 'recovery.p99': '< 3s' } }, 's.ts');
  assert.deepEqual(ok.sequences.map((q) => q.name), ['ticks']);
});

test('delivery and recovery thresholds: rates of what was counted; a rate of nothing fails', () => {
  const counters = { 'seq:ticks.received': 1002, 'seq:ticks.duplicates': 2, 'seq:ticks.lost': 1, 'recovery.resumed': 9, 'recovery.fresh': 0, 'recovery.never': 1 };
  const run = { metrics: {}, counters, workers: {} as never, durationMs: 1000 };
  const th = (s: string, cond: string): Threshold => parseThreshold(s, cond) as Threshold;
  const res = evaluateThresholds([th('seq:ticks.lossRate', '< 0.1%'), th('seq:ticks.deliveredRate', '> 99.8%'), th('recovery.resumedRate', '>= 90%'), th('recovery.never', '== 0'), th('seq:other.lossRate', '< 1%')], run);
  const by = Object.fromEntries(res.map((r) => [r.subject, r]));
  assert.equal(by['seq:ticks.lossRate']!.actual, 1 / 1001);
  assert.equal(by['seq:ticks.lossRate']!.ok, true);
  assert.equal(by['seq:ticks.deliveredRate']!.ok, true);
  assert.equal(by['recovery.resumedRate']!.actual, 0.9);
  assert.equal(by['recovery.never']!.ok, false);
  assert.equal(by['seq:other.lossRate']!.actual, null);
  assert.equal(by['seq:other.lossRate']!.ok, false);
  assert.equal(by['seq:ticks.lossRate']!.unit, 'fraction');
});
