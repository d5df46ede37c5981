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

test('the delivery latency of replayed messages is kept apart (seq:<name>:replay)', () => {
  const { t, sink } = tracker({ ticks: { event: 'tick', seq: 'seq', sentAt: 'ts' } });
  t.onEvent('tick', [{ seq: 1, ts: Date.now() }]);
  t.disconnected();
  t.onEvent('tick', [{ seq: 2, ts: Date.now() - 500 }]);
  t.reconnected();
  t.onEvent('tick', [{ seq: 3, ts: Date.now() + 10 - 10 }]);
  assert.equal(sink.of('seq:ticks').length, 3);
  assert.equal(sink.of('seq:ticks:replay').length, 1);
  assert.ok(sink.of('seq:ticks:replay')[0]! >= 500);
  assert.equal(c(sink, 'replayed'), 1);
});

test('reporters: the delivery table, the recovery line, Markdown, JUnit properties and the HTML section', async () => {
  const { deliveryLines, deliveryMarkdown, deliveryProperties } = await import('../../src/reporters/delivery.ts');
  const { deliverySection } = await import('../../src/reporters/html/delivery-section.ts');
  const m = (p50: number) => ({ count: 10, p50, p90: p50, p99: p50 * 2, p999: p50 * 2, mean: p50, min: 1, max: p50 * 2, hdr: '' });
  const r = {
    counters: {
      'seq:ticks.received': 999,
      'seq:ticks.lost': 1,
      'seq:ticks.replayed': 40,
      disconnects: 20,
      'recovery.resumed': 18,
      'recovery.fresh': 1,
      'recovery.never': 1,
    },
    metrics: { 'seq:ticks': m(3), 'seq:ticks:replay': m(300), recovery: m(250) },
    faults: {
      baselineAckP99: null,
      faults: [
        {
          label: 'drop 10% @5s',
          action: 'network',
          atMs: 5000,
          impact: { hit: 20, disconnected: 20, recovered: 19, resumed: 18, fresh: 1, neverReturned: 1, recovery: m(250), seqLost: 1, seqReplayed: 40 },
        },
      ],
    },
  } as never;
  const text = deliveryLines(r).join('\n');
  assert.match(text, /ticks +999 +1 +99\.9% +0 +0 +40 +3\.0\/6\.0ms +300\/600ms/);
  assert.match(text, /recovery: 20 unexpected disconnects; 19 reconnected: 18 resumed \(90%\), 1 fresh; 1 never came back; recovery p50\/p99 250\/500ms/);
  assert.match(deliveryMarkdown(r, (s) => s).join('\n'), /\| ticks \| 999 \| 1 \| 99\.9% \|/);
  assert.deepEqual(Object.fromEntries(deliveryProperties(r)), {
    'seq:ticks.received': '999',
    'seq:ticks.lost': '1',
    'seq:ticks.replayed': '40',
    'seq:ticks.deliveredRate': '0.999',
    'recovery.resumed': '18',
    'recovery.fresh': '1',
    'recovery.never': '1',
    'recovery.resumedRate': '0.9',
  });
  const html = deliverySection(r);
  assert.match(html, /<h3>Delivery and recovery<\/h3>/);
  assert.match(html, /<td>drop 10% @5s<\/td><td>5 s<\/td><td>20<\/td><td>20<\/td><td>19<\/td><td>18<\/td><td>1<\/td><td>1<\/td><td>250 ms<\/td>/);
  assert.equal(deliverySection({ counters: {}, metrics: {} } as never), '', 'nothing to show: no section');
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
  assert.deepEqual(
    sink.errors.map(([k]) => k),
    ['clock_domain'],
  );
  assert.match(sink.errors[0]![1], /neither the wall clock .* nor this host's monotonic clock/);
  assert.match((stampAge(Date.now() / 1000, monoMs(), 0, Date.now()) as { refused: string }).refused, /seconds since the epoch/);
  // thresholds on the biased trend fail, with the reason
  const th = parseThreshold('seq:ticks.p99', '< 1000ms') as Threshold;
  const counters = Object.fromEntries(sink.counters);
  const [r] = evaluateThresholds([th], {
    metrics: { 'seq:ticks': { count: 2, p50: 20, p90: 30, p99: 30, mean: 25, min: 20, max: 30 } as never },
    counters,
    workers: {} as never,
    durationMs: 1000,
  });
  assert.equal(r!.ok, false);
  assert.match(r!.note!, /sentAt stamps/);
});

test('raw frames reach sequences through parseMessage', () => {
  const parseMessage = (_m: unknown, json: unknown): { event: string; data: unknown } | null =>
    json && typeof json === 'object' && 'tick' in json ? { event: 'tick', data: json } : null;
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
  assert.match(
    err({ sequences: { ticks: { event: 'tick', seq: 'seq', sentat: 'ts' } } }),
    /`sequences\.ticks\.sentat` is not a sequence field \(did you mean `sentAt`\?\)/,
  );
  assert.match(err({ sequences: { ticks: { seq: 'seq' } } }), /`sequences\.ticks\.event` must be the name/);
  assert.match(err({ engine: 'ws', protocol: 'raw', sequences: { ticks: { event: 'tick', seq: 'seq' } } }), /need `parseMessage/);
  assert.match(
    err({ thresholds: { 'seq:tick.lossRate': '< 1%' }, sequences: { ticks: { event: 'tick', seq: 'seq' } } }),
    /names the sequence `tick`, which `sequences` does not declare \(did you mean `ticks`\?\)/,
  );
  assert.match(err({ thresholds: { 'seq:ticks.p99': '< 50ms' }, sequences: { ticks: { event: 'tick', seq: 'seq' } } }), /needs `sequences\.ticks\.sentAt`/);
  const ok = validateScenario(
    {
      ...base,
      sequences: { ticks: { event: 'tick', seq: 'seq', sentAt: 'ts' } },
      thresholds: { 'seq:ticks.lossRate': '< 0.1%', 'seq:ticks.p99': '< 50ms', 'recovery.resumedRate': '> 99%', 'recovery.p99': '< 3s' },
    },
    's.ts',
  );
  assert.deepEqual(
    ok.sequences.map((q) => q.name),
    ['ticks'],
  );
});

test('delivery and recovery thresholds: rates of what was counted; a rate of nothing fails', () => {
  const counters = {
    'seq:ticks.received': 1002,
    'seq:ticks.duplicates': 2,
    'seq:ticks.lost': 1,
    'recovery.resumed': 9,
    'recovery.fresh': 0,
    'recovery.never': 1,
  };
  const run = { metrics: {}, counters, workers: {} as never, durationMs: 1000 };
  const th = (s: string, cond: string): Threshold => parseThreshold(s, cond) as Threshold;
  const res = evaluateThresholds(
    [
      th('seq:ticks.lossRate', '< 0.1%'),
      th('seq:ticks.deliveredRate', '> 99.8%'),
      th('recovery.resumedRate', '>= 90%'),
      th('recovery.never', '== 0'),
      th('seq:other.lossRate', '< 1%'),
    ],
    run,
  );
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

test('network faults: bad input is refused before any load, naming the entry and field; every expands; clients share or count', async () => {
  const { resolveFaults, parseClients } = await import('../../src/scenario/faults.ts');
  const problems: string[] = [];
  resolveFaults(
    [
      { at: '1s', network: 'drpo', clients: '10%', offline: '1s' },
      { at: '2s', network: 'drop', clients: '150%' },
      { at: '3s', network: 'drop', offline: 2 },
      { at: '4s', network: 'blackhole', clients: 5 },
      { at: '5s', network: 'slow', for: '1s', offline: '1s' },
      { at: '6s', network: 'drop', for: '1s' },
      { at: '7s', kill: 'worker', clients: 3 },
    ],
    problems,
  );
  const has = (re: RegExp): void =>
    assert.ok(
      problems.some((p) => re.test(p)),
      `${re} in:\n${problems.join('\n')}`,
    );
  has(/`faults\[0\]\.network` must be one of 'drop', 'blackhole', 'slow' \(did you mean `drop`\?\)/);
  has(/`faults\[1\]\.clients` must be a share from '0\.1%' to '100%' or a whole number of clients ≥ 1 \(got '150%'\)/);
  assert.equal(problems.filter((p) => p.startsWith('`faults[0]')).length, 1, 'an unknown kind is one problem, not three');
  has(/`faults\[2\]\.offline` must be a duration .*: it has no unit; write '2s'/);
  has(/`faults\[3\]\.for` is required with network 'blackhole'/);
  has(/`faults\[4\]\.offline` only goes with network 'drop'/);
  has(/`faults\[5\]\.for` does not go with network 'drop': use `offline`/);
  has(/`faults\[6\]\.clients` only goes with network faults/);
  const ok: string[] = [];
  const out = resolveFaults(
    [
      { every: '5s', network: 'drop', clients: '10%', offline: '2s' },
      { at: '12s', network: 'drop', clients: 25 },
    ],
    ok,
    21_000,
  );
  assert.deepEqual(ok, []);
  assert.deepEqual(
    out.map((f) => [f.atMs, f.label]),
    [
      [5000, 'drop 10% offline 2s @5s'],
      [10_000, 'drop 10% offline 2s @10s'],
      [12_000, 'drop 25 clients @12s'],
      [15_000, 'drop 10% offline 2s @15s'],
      [20_000, 'drop 10% offline 2s @20s'],
    ],
  );
  assert.deepEqual([parseClients('100%'), parseClients(3), parseClients('0%'), parseClients(1.5)], [{ share: 1 }, { count: 3 }, null, null]);
});

test("network faults pick the same clients every run: a share of each generator's, or its part of a count", async () => {
  const { pickClients } = await import('../../src/generator/network.ts');
  const clients = Array.from({ length: 40 }, (_, i) => ({ id: 1000 - i * 7 }));
  const a = pickClients(clients, { share: 0.25 }, { index: 2 }, 0, 1).map((c) => c.id);
  const b = pickClients([...clients].reverse(), { share: 0.25 }, { index: 2 }, 0, 1).map((c) => c.id);
  assert.equal(a.length, 10);
  assert.deepEqual(a, b, 'the same clients whatever order they are held in');
  assert.notDeepEqual(
    pickClients(clients, { share: 0.25 }, { index: 3 }, 0, 1).map((c) => c.id),
    a,
    'another fault picks others',
  );
  assert.equal(new Set(a).size, 10);
  // a count split over 3 generators: 4 + 3 + 3
  assert.deepEqual(
    [0, 1, 2].map((g) => pickClients(clients, { count: 10 }, { index: 0 }, g, 3).length),
    [4, 3, 3],
  );
  assert.equal(pickClients(clients.slice(0, 2), { count: 10 }, { index: 0 }, 0, 1).length, 2, 'never more than are connected');
  assert.equal(pickClients(clients, { share: 1 }, { index: 0 }, 0, 1).length, 40);
});

test('recovery without the offline time: shown beside recovery when a drop kept clients offline', async () => {
  const { deliveryLines, deliveryMarkdown } = await import('../../src/reporters/delivery.ts');
  const { deliverySection } = await import('../../src/reporters/html/delivery-section.ts');
  const m = (p50: number) => ({ count: 10, p50, p90: p50, p99: p50 * 2, p999: p50 * 2, mean: p50, min: 1, max: p50 * 2, hdr: '' });
  const r = (online: number) =>
    ({ counters: { disconnects: 10, 'recovery.fresh': 10 }, metrics: { recovery: m(2100), 'recovery:online': m(online) } }) as never;
  const text = deliveryLines(r(100)).join('\n');
  assert.match(text, /recovery p50\/p99 2100\/4200ms \(back online to connected: 100\/200ms\)/);
  assert.match(deliveryMarkdown(r(100), (s) => s).join('\n'), /back online to connected: 100\/200ms/);
  assert.match(deliverySection(r(100)), /back online to connected p50 100 ms, p99 200 ms/);
  // no offline time: the two are the same, said once
  assert.doesNotMatch(deliveryLines(r(2100)).join('\n'), /back online/);
});
