import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { chiSquareUniform, distribution, imbalance } from '../../src/metrics/distribution.ts';
import { createHistogram, decode, encode, mergeMetricSummaries, recordMs, summarize } from '../../src/metrics/histogram.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { seededRandom } from '../../src/util/random.ts';

const samples = (n: number, seed: number): number[] => {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => (r() < 0.02 ? 200 + r() * 800 : 0.2 + r() * 5));
};

test('histogram: encode/decode round trip keeps counts and percentiles; out-of-range clamps', () => {
  const h = createHistogram();
  for (const v of samples(5000, 1)) recordMs(h, v);
  recordMs(h, -5);
  recordMs(h, 1e12);
  const back = decode(encode(h));
  assert.equal(back.totalCount, 5002);
  assert.equal(back.getValueAtPercentile(99), h.getValueAtPercentile(99));
  const s = summarize(h);
  assert.equal(s.count, 5002);
  assert.ok(s.p50 > 0.2 && s.p50 < 5.3, `p50 ${s.p50}`);
  assert.ok(s.p99 >= 200, `p99 ${s.p99}`);
  assert.equal(s.min, 0.001);
  assert.ok(s.max >= 3_599_000_000 / 1000);
  assert.deepEqual(summarize(createHistogram()).count, 0);
});

test('merging snapshots from 3 recorders equals recording everything in one', () => {
  const all = samples(9000, 2);
  const one = new Recorder(0);
  for (const v of all) one.record('ack', v);
  const single = new Aggregator();
  single.add(one.flush(0));

  const split = new Aggregator();
  const recs = [new Recorder(0), new Recorder(1), new Recorder(2)];
  all.forEach((v, i) => {
    recs[i % 3]!.record('ack', v);
    if (i % 1000 === 999) split.add(recs[i % 3]!.flush(Math.floor(i / 3000))); // several flushes per recorder
  });
  for (const r of recs) split.add(r.flush(3));
  const a = single.metrics().ack!;
  const b = split.metrics().ack!;
  for (const k of ['count', 'min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) assert.equal(b[k], a[k], k);
  // the extremes are the recorded values themselves (µs), not their buckets' edges
  const us = (ms: number): number => Math.round(ms * 1000) / 1000;
  assert.equal(b.min, us(Math.min(...all)));
  assert.equal(b.max, us(Math.max(...all)));
  // and merging the summaries of separate runs is exact too
  const halves = [new Recorder(0), new Recorder(1)];
  all.forEach((v, i) => halves[i % 2]!.record('ack', v));
  const parts = halves.map((r) => {
    const ag = new Aggregator();
    ag.add(r.flush(0));
    return ag.metrics().ack!;
  });
  assert.equal(mergeMetricSummaries(parts).p99, a.p99);
  assert.equal(mergeMetricSummaries(parts).count, 9000);
  assert.equal(mergeMetricSummaries(parts).max, a.max, 'exact max survives the encoded summaries');
  assert.equal(mergeMetricSummaries(parts).min, a.min, 'exact min survives the encoded summaries');
});

test('generator snapshots carry sparse histograms (occupied buckets only) that merge exactly', () => {
  const r = new Recorder(0);
  for (const v of [1.5, 1.5, 2, 250]) r.record('ack', v);
  const snap = r.flush(0);
  const w = snap.histograms.ack!;
  assert.ok(typeof w !== 'string');
  assert.equal(w.index.length, 3, 'three occupied buckets');
  assert.deepEqual([...w.count], [2, 1, 1]);
  const ag = new Aggregator();
  ag.add(snap);
  const m = ag.metrics().ack!;
  assert.deepEqual([m.count, m.min, m.max], [4, 1.5, 250]);
  assert.equal(ag.latest()!.ackP99, ag.timeseries().at(-1)!.ackP99);
  assert.equal(ag.latest()!.t, 0);
});

test('flush hands over deltas only: counters, errors with their first sample, workers', () => {
  const r = new Recorder(4);
  r.count('messages.sent', 3);
  r.error('ack_timeout', 'first');
  r.error('ack_timeout', 'second');
  r.worker('w#1');
  const s1 = r.flush(0);
  assert.equal(s1.generator, 4);
  assert.deepEqual(s1.counters, { 'messages.sent': 3, errors: 2 });
  assert.deepEqual(s1.errors, {
    ack_timeout: {
      count: 2,
      sample: 'first',
      messages: [
        { message: 'first', count: 1 },
        { message: 'second', count: 1 },
      ],
    },
  });
  assert.deepEqual(s1.workers, { 'w#1': 1 });
  const s2 = r.flush(1);
  assert.deepEqual(s2.counters, {});
  assert.deepEqual(s2.errors, {});
  assert.deepEqual(s2.histograms, {});
  r.error('x', 'y'.repeat(1000));
  assert.ok(r.flush(2).errors.x!.sample.length <= 300);
});

test('timeseries: per-second counts, percentiles, connected summed with carry-forward', () => {
  const ag = new Aggregator();
  const g0 = new Recorder(0);
  const g1 = new Recorder(1);
  g0.connectedDelta(1);
  g0.connectedDelta(1);
  g0.record('ack', 10);
  g0.count('messages.sent', 5);
  ag.add(g0.flush(0));
  g1.connectedDelta(1);
  ag.add(g1.flush(0));
  g1.connectedDelta(1);
  ag.add(g1.flush(2)); // g0 sends nothing in seconds 1 and 2
  const ts = ag.timeseries();
  assert.equal(ts.length, 3);
  assert.deepEqual(
    ts.map((p) => p.connected),
    [3, 3, 4],
  );
  assert.equal(ts[0]!.messagesSent, 5);
  assert.ok(Math.abs(ts[0]!.ackP99! - 10) < 0.02, String(ts[0]!.ackP99)); // HDR: 3 significant digits
  assert.equal(ts[1]!.ackP99, null);
  assert.equal(ts[1]!.messagesSent, 0);
});

test('worker imbalance: max/mean and coefficient of variation', () => {
  assert.deepEqual(imbalance([10, 10, 10, 30]), { maxOverMean: 2, cv: 0.577 }); // mean 15, sd sqrt(75)=8.66, 8.66/15
  assert.deepEqual(imbalance([5, 5]), { maxOverMean: 1, cv: 0 });
  assert.deepEqual(imbalance([]), { maxOverMean: null, cv: null });
  const ag = new Aggregator();
  const r = new Recorder(0);
  for (let i = 0; i < 3; i++) r.record('connect', 1);
  r.worker('a#0');
  r.worker('a#1');
  ag.add(r.flush(0));
  assert.equal(ag.workers().unidentified, 1);
  assert.deepEqual(ag.workers().connections, { 'a#0': 1, 'a#1': 1 });
});

test('chi-square against uniform: p-values match known tables; distribution fills unseen workers with 0', () => {
  // df=3, statistic 7.815 is the 5% critical value; df=1, 3.841 likewise
  assert.ok(Math.abs(chiSquareUniform([10, 20, 30, 40])!.statistic - 20) < 1e-9);
  const p = (counts: number[]): number => chiSquareUniform(counts)!.pValue;
  assert.ok(p([250, 250, 250, 250]) > 0.99);
  assert.ok(p([1000, 0, 0, 0]) < 1e-10);
  const at = (stat: number, df: number): number => {
    const n = 100_000;
    const k = df + 1;
    // build counts whose statistic is `stat`: put the excess on one bucket
    const e = n / k;
    const d = Math.sqrt((stat * e * (k - 1)) / k);
    return chiSquareUniform([e + d, ...Array(k - 1).fill(e - d / (k - 1))])!.pValue;
  };
  assert.ok(Math.abs(at(7.815, 3) - 0.05) < 0.002, String(at(7.815, 3)));
  assert.ok(Math.abs(at(3.841, 1) - 0.05) < 0.002, String(at(3.841, 1)));
  assert.ok(Math.abs(at(23.209, 10) - 0.01) < 0.001, String(at(23.209, 10)));
  const d = distribution({ 'sticky#1': 100 }, 0, ['sticky#0', 'sticky#1', 'sticky#2', 'sticky#3'], { same: 9, other: 1 });
  assert.deepEqual(d.connections, { 'sticky#0': 0, 'sticky#1': 100, 'sticky#2': 0, 'sticky#3': 0 });
  assert.equal(d.maxShare, 1);
  assert.equal(d.maxOverMean, 4);
  assert.ok(d.chiSquare!.pValue < 1e-10);
  assert.equal(d.stickiness, 0.9);
});
