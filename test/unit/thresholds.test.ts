import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram, recordMs, summarize } from '../../src/metrics/histogram.ts';
import { evaluateThresholds } from '../../src/thresholds/evaluate.ts';
import { parseThreshold, parseThresholds, type Threshold } from '../../src/thresholds/parse.ts';

test('parse: subjects, operators, units', () => {
  const t = parseThreshold('ack.p99', '< 50ms') as Threshold;
  assert.deepEqual([t.parsed, t.op, t.value], [{ kind: 'latency', metric: 'ack', stat: { percentile: 99 } }, '<', 50]);
  assert.equal((parseThreshold('ack:echo.p99.9', '<= 1.5s') as Threshold).value, 1500);
  assert.deepEqual((parseThreshold('ack:echo.p99.9', '<= 1.5s') as Threshold).parsed, { kind: 'latency', metric: 'ack:echo', stat: { percentile: 99.9 } });
  assert.equal((parseThreshold('errors.rate', '< 1%') as Threshold).value, 0.01);
  assert.deepEqual((parseThreshold('workers.imbalance', '<1.3') as Threshold).parsed, { kind: 'run', name: 'workers.imbalance' });
  assert.equal((parseThreshold('connect.max', { condition: '< 1s', abortOnFail: true }) as Threshold).abortOnFail, true);
  assert.equal((parseThreshold('throughput', '>= 1000') as Threshold).op, '>=');
});

test('parse: every bad threshold is reported, naming it', () => {
  const { problems } = parseThresholds({ 'ack.p99': 'fast', 'ack.median': '< 1ms', '.p99': '< 1', 'connect.p0': '< 1', 'ok.max': 5 });
  assert.equal(problems.length, 5);
  assert.match(problems[0]!, /condition `fast`/);
  assert.match(problems[1]!, /ack\.median/);
  assert.match(problems[4]!, /ok\.max/);
});

function run(): Parameters<typeof evaluateThresholds>[1] {
  const h = createHistogram();
  for (let i = 1; i <= 100; i++) recordMs(h, i);
  return {
    metrics: { ack: summarize(h) },
    counters: { 'sessions.started': 10, 'sessions.failed': 1, 'messages.sent': 45, 'messages.received': 45, errors: 2 },
    workers: { connections: { a: 10, b: 30 }, unidentified: 0, maxOverMean: 1.5, cv: 0.5, maxShare: 0.75, chiSquare: null, stickiness: null },
    durationMs: 10_000,
  };
}

test('evaluate: figures from the merged result; failed first; a missing metric fails', () => {
  const ts = parseThresholds({
    'ack.p95': '< 90ms',
    'ack.p50': '<= 51ms',
    'errors.rate': '< 1%',
    'sessions.failedRate': '<= 10%',
    throughput: '>= 9',
    'workers.imbalance': '< 1.3',
    'push.p99': '< 5ms',
  }).thresholds;
  const r = evaluateThresholds(ts, run());
  const by = Object.fromEntries(r.map((x) => [x.subject, x]));
  assert.ok(Math.abs(by['ack.p95']!.actual! - 95) < 0.2);
  assert.equal(by['ack.p95']!.ok, false);
  assert.equal(by['ack.p50']!.ok, true);
  assert.equal(by['errors.rate']!.actual, 0.02); // 2 errors / (90 messages + 10 sessions)
  assert.equal(by['sessions.failedRate']!.ok, true);
  assert.equal(by.throughput!.actual, 9);
  assert.equal(by['workers.imbalance']!.ok, false);
  assert.equal(by['push.p99']!.ok, false);
  assert.equal(by['push.p99']!.actual, null);
  assert.deepEqual(
    r.map((x) => x.ok),
    [false, false, false, false, true, true, true],
  );
});
