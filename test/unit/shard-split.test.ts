import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { arrivalCount, arrivalsFor } from '../../src/executors/arrivals.ts';
import { idBases } from '../../src/executors/plan.ts';
import { ownedVus } from '../../src/executors/vus.ts';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { RESULT_SCHEMA, type RunFile, type RunResult } from '../../src/result/types.ts';
import type { ResolvedPhase, ResolvedScenario } from '../../src/scenario/validate.ts';
import { estimateClock } from '../../src/shard/clock.ts';
import { mergeShards } from '../../src/shard/merge.ts';
import { checkShardOptions, parseStartAt } from '../../src/shard/options.ts';
import { decodeResultPayload, encodeResultLine, extractResultLines, RESULT_LINE_MARK } from '../../src/shard/result-line.ts';
import { generatorSlot, parseShardSpec, shardShare, shardSourceIps, sliceCount } from '../../src/shard/split.ts';
import { seededRandom } from '../../src/util/random.ts';

const phase = (index: number, kind: 'arrivals' | 'vus', from: number, to: number, startMs: number, durationMs: number): ResolvedPhase => ({
  index,
  name: `p${index}`,
  kind,
  startMs,
  durationMs,
  from,
  to,
});
const PHASES = [phase(0, 'arrivals', 10, 90, 0, 10_000), phase(1, 'arrivals', 37, 37, 10_000, 7_000), phase(2, 'vus', 0, 53, 17_000, 5_000)];

/** Every (phase, arrival k) that shard `i` of `n` runs with `g` generators, as the generator runner enumerates them. */
function shardArrivals(p: ResolvedPhase, i: number, n: number, g: number): number[] {
  const out: number[] = [];
  for (let gen = 0; gen < g; gen++) {
    const slot = generatorSlot({ index: i, count: n }, gen, g);
    for (const a of arrivalsFor(p, slot.generator, slot.generators)) out.push(a.k);
  }
  return out;
}

test('--shard i/N: parsed 0-based; bad specs name the flag', () => {
  assert.deepEqual(parseShardSpec('2/3'), { index: 2, count: 3 });
  assert.deepEqual(parseShardSpec(' 0 / 1 '), { index: 0, count: 1 });
  for (const bad of ['3/3', '1', 'a/3', '-1/3', '0/0', '1/1001']) {
    assert.throws(
      () => parseShardSpec(bad),
      (e: Error & { code?: string }) => e.code === 'E_SHARD_SPEC' && /`--shard`/.test(e.message),
      bad,
    );
  }
});

test('arrivals: the shards (with different generator counts) partition the schedule exactly, 1/N each', () => {
  for (const p of PHASES.filter((x) => x.kind === 'arrivals')) {
    const total = arrivalCount(p);
    const gens = [1, 3, 2]; // shards need not run the same number of generators
    const parts = [0, 1, 2].map((i) => shardArrivals(p, i, 3, gens[i]!));
    const all = parts.flat().sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: total }, (_, k) => k),
      `phase ${p.index}: union = schedule, no duplicates`,
    );
    for (const [i, part] of parts.entries()) {
      assert.ok(
        part.every((k) => k % 3 === i),
        `shard ${i} holds arrivals k ≡ ${i} (mod 3)`,
      );
      assert.equal(part.length, sliceCount(total, { index: i, count: 3 }));
      assert.ok(Math.abs(part.length - total / 3) <= 1, 'each shard carries a third of the rate');
    }
  }
});

test('VUs: every VU below any target is owned by exactly one generator of one shard', () => {
  for (const target of [0, 1, 2, 7, 53]) {
    const owners = new Map<number, string>();
    for (let i = 0; i < 4; i++) {
      for (let g = 0; g < 2; g++) {
        const slot = generatorSlot({ index: i, count: 4 }, g, 2);
        for (const v of ownedVus(target, slot.generator, slot.generators)) {
          assert.ok(!owners.has(v), `VU ${v} owned twice`);
          owners.set(v, `${i}.${g}`);
          assert.equal(v % 4, i);
        }
      }
    }
    assert.equal(owners.size, target);
  }
});

test('client ids are disjoint across shards (phase base + k or v)', () => {
  const bases = idBases(PHASES);
  const seen = new Map<number, number>();
  for (let i = 0; i < 3; i++) {
    for (const p of PHASES.filter((x) => x.kind === 'arrivals')) {
      for (const k of shardArrivals(p, i, 3, 2)) {
        const id = bases[p.index]! + k;
        assert.ok(!seen.has(id), `id ${id} in shards ${seen.get(id)} and ${i}`);
        seen.set(id, i);
      }
    }
  }
  assert.equal(
    seen.size,
    PHASES.filter((x) => x.kind === 'arrivals').reduce((a, p) => a + arrivalCount(p), 0),
  );
});

test('source addresses: each shard gets its own, disjoint from the others', () => {
  const byCount = [0, 1, 2].map((i) => shardSourceIps(8, '127.0.0.1', { index: i, count: 3 }));
  for (const a of byCount) assert.equal(a.length, 8);
  assert.equal(new Set(byCount.flat()).size, 24, 'a count: 8 addresses per shard, none shared');
  assert.equal(byCount[0]![0], '127.0.0.2');
  const list = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
  const byList = [0, 1].map((i) => shardSourceIps(list, '127.0.0.1', { index: i, count: 2 }));
  assert.deepEqual(byList, [
    ['127.0.0.2', '127.0.0.4', '127.0.0.6'],
    ['127.0.0.3', '127.0.0.5'],
  ]);
  assert.throws(() => shardSourceIps(['127.0.0.2'], '127.0.0.1', { index: 0, count: 2 }), /fewer than the 2 shards/);
  assert.deepEqual(shardSourceIps(8, '::1', { index: 1, count: 2 }), ['::1']);
});

test('shardShare: what one shard carries of each phase', () => {
  const s = { phases: PHASES } as ResolvedScenario;
  const share = shardShare(s, { index: 1, count: 4 });
  assert.deepEqual(
    share.map((x) => [x.kind, x.total, x.shard]),
    [
      ['arrivals', arrivalCount(PHASES[0]!), Math.floor((arrivalCount(PHASES[0]!) - 2) / 4) + 1],
      ['arrivals', 259, 65],
      ['vus', 53, 13],
    ],
  );
});

test('--start-at: ISO only, not in the past, at most 1 h ahead; each refusal names the flag', () => {
  const now = Date.parse('2030-01-01T12:00:00Z');
  assert.equal(parseStartAt('2030-01-01T12:02:00Z', now), now + 120_000);
  const refused = (raw: string, re: RegExp): void =>
    assert.throws(
      () => parseStartAt(raw, now),
      (e: Error & { code?: string }) => e.code === 'E_START_AT' && /`--start-at`/.test(e.message) && re.test(e.message),
      raw,
    );
  refused('2030-01-01T11:59:00Z', /in the past/);
  refused('2030-01-01T13:00:01Z', /more than the 60 min allowed/);
  refused('tomorrow', /ISO date-time/);
  refused('1893456000000', /ISO date-time/);
});

test('shard options: --shard needs --target and no --repeat; a remote target needs no extra flag', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return (e as { code?: string }).code;
    }
    return undefined;
  };
  assert.equal(
    code(() => checkShardOptions({ shard: '0/2' })),
    'E_SHARD_SPEC',
  );
  assert.equal(
    code(() => checkShardOptions({ shard: '0/2', target: 'http://127.0.0.1:1', repeat: 3 })),
    'E_SHARD_SPEC',
  );
  // any target is accepted, as for a plain run (checked here as a pure function: nothing is sent)
  assert.deepEqual(checkShardOptions({ shard: '0/2', target: 'http://x:1' }), { shard: { index: 0, count: 2 }, startAtWallMs: null });
  assert.deepEqual(checkShardOptions({ shard: '1/2', target: 'http://127.0.0.1:1' }).shard, { index: 1, count: 2 });
});

/** A shard result built from recorders, as a shard's runTopology would. */
function shardFile(index: number, count: number, startedAt: string, fill: (r: Recorder, t: number) => void, seconds: number): RunFile {
  const agg = new Aggregator();
  const rec = new Recorder(index);
  for (let t = 0; t < seconds; t++) {
    fill(rec, t);
    agg.add(rec.flush(t));
  }
  const metrics = agg.metrics();
  const run: RunResult = {
    topology: 'external',
    target: 'http://127.0.0.1:3000',
    engine: 'socket.io',
    status: 'completed',
    startedAt,
    durationMs: seconds * 1000,
    metrics,
    counters: agg.counters(),
    errors: agg.errors(),
    workers: agg.workers(['w#0', 'w#1']),
    timeseries: agg.timeseries(),
    generator: { processes: [], saturation: { saturated: false, reasons: [] } },
    thresholds: [],
    seconds: agg.seconds(),
  };
  return {
    schema: RESULT_SCHEMA,
    scenario: { name: 'unit', file: 'unit.ts', options: { name: 'unit', phases: [], thresholds: { 'ack.count': '>= 3000', 'ack.p99': '< 1ms' } } },
    environment: {
      rtbench: '0',
      node: 'v20',
      platform: 'linux',
      arch: 'x64',
      cpus: { model: 'x', count: 2 },
      memoryGb: 1,
      hostname: `host${index}`,
      gitSha: null,
    },
    createdAt: startedAt,
    runs: [run],
    shard: {
      index,
      count,
      startedAt,
      clockOffsetMs: 0,
      clock: { method: 'rtbench-time', offsetMs: 0, monoOffsetMs: 0, uncertaintyMs: 0.2 * (index + 1), samples: 16, minRttMs: 0.4 * (index + 1) },
    },
  };
}

test('merge: histograms added (p99 of the union), counters summed, seconds aligned by wall clock, thresholds on the merge', () => {
  const rnd = seededRandom(7);
  const all: number[] = [];
  const fill = (r: Recorder, t: number): void => {
    for (let i = 0; i < 500; i++) {
      const v = rnd() < 0.03 ? 50 + rnd() * 200 : 0.1 + rnd() * 3;
      all.push(v);
      r.record('ack', v);
      r.count('messages.sent');
    }
    r.record('connect', 1 + t);
    r.count('sessions.started');
    r.count('sessions.completed');
    r.worker(t % 2 ? 'w#1' : 'w#0');
  };
  // shard 1 started 2 s after shard 0 (and 0.3 s more: rounds to 2)
  const a = shardFile(0, 2, '2030-01-01T12:00:00.000Z', fill, 3);
  const b = shardFile(1, 2, '2030-01-01T12:00:02.300Z', fill, 3);
  const env = a.environment;
  const merged = mergeShards(
    [
      { file: b, source: 'b' },
      { file: a, source: 'a' },
    ],
    env,
  );
  const m = merged.runs[0]!;
  const single = new Aggregator();
  const one = new Recorder(0);
  for (const v of all) one.record('ack', v);
  single.add(one.flush(0));
  const u = single.metrics().ack!;
  for (const k of ['count', 'min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) assert.equal(m.metrics.ack![k], u[k], k);
  assert.equal(m.counters['messages.sent'], 3000);
  assert.deepEqual(m.workers.connections, { 'w#0': 4, 'w#1': 2 });
  assert.deepEqual(
    m.timeseries.map((p) => p.messagesSent),
    [500, 500, 1000, 500, 500],
    'shard 1 shifted by 2 s',
  );
  assert.deepEqual(
    merged.merged!.shards.map((s) => s.shiftSeconds),
    [0, 2],
  );
  assert.equal(merged.merged!.fanoutUncertaintyMs, 0.4, 'the largest shard clock uncertainty');
  const sameHost = (f: RunFile): RunFile => ({ ...f, shard: { ...f.shard!, clock: { ...f.shard!.clock!, sameHost: true } } });
  assert.equal(
    mergeShards(
      [
        { file: sameHost(a), source: 'a' },
        { file: sameHost(b), source: 'b' },
      ],
      env,
    ).merged!.fanoutUncertaintyMs,
    0,
    'one host, one monotonic clock',
  );
  assert.equal(
    mergeShards(
      [
        { file: a, source: 'a' },
        { file: { ...b, shard: { ...b.shard!, clock: undefined, clockOffsetMs: undefined } }, source: 'b' },
      ],
      env,
    ).merged!.fanoutUncertaintyMs,
    null,
    'unknown when a shard has no estimate',
  );
  assert.equal(m.durationMs, 5300);
  assert.deepEqual(
    m.thresholds.map((t) => [t.subject, t.ok]),
    [
      ['ack.p99', false],
      ['sessions.failedRate', true],
      ['ack.count', true],
    ],
    'the default gate is evaluated on the merge too',
  );
  // refused: a shard twice with other figures, a shard missing, a plain result
  assert.throws(() => mergeShards([{ file: a, source: 'a' }], env), /shard 1\/2 missing/);
  assert.throws(
    () =>
      mergeShards(
        [
          { file: a, source: 'a' },
          { file: shardFile(0, 2, '2030-01-01T12:00:00.000Z', fill, 1), source: 'a2' },
          { file: b, source: 'b' },
        ],
        env,
      ),
    /appears twice/,
  );
  const plain = { ...a, shard: undefined };
  assert.throws(() => mergeShards([{ file: plain, source: 'plain.json' }], env), /plain\.json is not a shard result/);
});

test('result line: one line, gzip+base64, found behind kubectl --prefix; a cut line is refused', () => {
  const f = shardFile(0, 1, '2030-01-01T12:00:00.000Z', (r) => r.record('ack', 1), 2);
  const line = encodeResultLine(f);
  assert.ok(line.startsWith(RESULT_LINE_MARK));
  assert.ok(!line.includes('\n'));
  const text = `progress…\n[pod/x-0-abc/rtbench] ${line}\n`;
  const found = extractResultLines(text, 'logs.txt');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.file, JSON.parse(JSON.stringify(f)));
  assert.equal(found[0]!.where, 'logs.txt:2');
  assert.throws(
    () => decodeResultPayload(line.slice(RESULT_LINE_MARK.length, 200), 'x'),
    (e: Error & { code?: string }) => e.code === 'E_RESULT_LINE',
  );
});

test('clock: NTP-style against /__rtbench/time; HTTP Date fallback says so; nothing answering gives none', async () => {
  const offsetMono = 5000; // a server whose monotonic clock is 5 s ahead of ours
  const servers: http.Server[] = [];
  const listen = (handler: http.RequestListener): Promise<string> =>
    new Promise((resolve) => {
      const s = http.createServer(handler);
      servers.push(s);
      s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
    });
  try {
    const { monoMs } = await import('../../src/shared/clock.ts');
    const timed = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ mono: monoMs() + offsetMono, wall: Date.now() + 250 }));
    });
    const c = await estimateClock(timed, { samples: 8, spacingMs: 1 });
    assert.equal(c.method, 'rtbench-time');
    assert.equal(c.samples, 8);
    assert.ok(Math.abs(c.monoOffsetMs - offsetMono) <= c.uncertaintyMs! + 0.01, `${c.monoOffsetMs} ± ${c.uncertaintyMs}`);
    assert.ok(Math.abs(c.offsetMs - 250) <= c.uncertaintyMs! + 1.01, `${c.offsetMs}`);
    assert.ok(Math.abs(c.uncertaintyMs! - c.minRttMs! / 2) <= 0.001, 'uncertainty = half the smallest round trip');
    const dated = await listen((_req, res) => {
      res.writeHead(404, { date: new Date(Date.now() + 3000).toUTCString() });
      res.end('no');
    });
    const d = await estimateClock(dated, { samples: 4, spacingMs: 1 });
    assert.equal(d.method, 'http-date');
    assert.ok(d.uncertaintyMs! > 0 && d.uncertaintyMs! <= 501, String(d.uncertaintyMs));
    assert.ok(Math.abs(d.offsetMs - 3000) <= d.uncertaintyMs! + 1, `${d.offsetMs} ± ${d.uncertaintyMs}`);
    assert.match(d.note!, /1 s resolution/);
    const closed = await listen(() => {});
    servers.pop()!.close();
    const n = await estimateClock(closed, { samples: 2, timeoutMs: 500 });
    assert.equal(n.method, 'none');
    assert.equal(n.uncertaintyMs, null);
  } finally {
    for (const s of servers) s.close();
  }
});
