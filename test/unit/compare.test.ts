import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareResults, parseTolerances } from '../../src/compare/compare.ts';
import { bootstrapRatioCI, median } from '../../src/compare/stats.ts';
import { InputError } from '../../src/shared/errors.ts';
import type { RoundFigures, RunFile, RunResult } from '../../src/result/types.ts';
import { seededRandom } from '../../src/util/random.ts';

test('median and a bootstrap interval that separates shifted groups but not equal ones', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  const r = seededRandom(3);
  const noise = (base: number): number[] => Array.from({ length: 8 }, () => base * (0.85 + r() * 0.3));
  const slower = bootstrapRatioCI(noise(10), noise(13));
  assert.ok(slower.low > 1 && slower.ratio > 1.15, JSON.stringify(slower));
  const same = bootstrapRatioCI(noise(10), noise(10));
  assert.ok(same.low < 1 && same.high > 1, JSON.stringify(same));
});

test('tolerances parse, with clear errors', () => {
  assert.deepEqual(parseTolerances('p99=+10%,throughput=-5%'), { p99: 0.1, throughput: -0.05 });
  assert.deepEqual(parseTolerances(undefined), { p99: 0.1, throughput: -0.05 });
  assert.throws(
    () => parseTolerances('p99=10,latency=+5%'),
    (e: unknown) => e instanceof InputError && e.details.length === 2,
  );
});

function result(p99s: number[], tp = 100): RunFile {
  const rounds: RoundFigures[] = p99s.map((p99) => ({
    metrics: { ack: { p50: p99 / 4, p90: p99 / 2, p99, p999: p99, mean: p99 / 3 } },
    throughput: tp,
    errorRate: 0,
  }));
  const m = median(p99s);
  const run = {
    topology: 'single',
    durationMs: 10_000,
    counters: { 'messages.sent': tp * 5, 'messages.received': tp * 5 },
    metrics: {
      ack: { count: 100, min: 0, mean: m / 3, p50: m / 4, p90: m / 2, p99: m, p999: m, max: m, hdr: '' },
      lag: { count: 9, min: 0, mean: 0, p50: 0, p90: 0, p99: 99, p999: 0, max: 0, hdr: '' },
      'session:sender': { count: 9, min: 0, mean: 0, p50: 0, p90: 0, p99: 99, p999: 0, max: 0, hdr: '' },
      fanout: { count: 50, min: 0, mean: 1, p50: 1, p90: 1, p99: 2, p999: 2, max: 2, hdr: '' },
    },
    rounds,
  } as unknown as RunResult;
  return { runs: [run] } as unknown as RunFile;
}

test('compare: identical → no regression; 30% worse over rounds → regression with an interval; single rounds are weak', () => {
  const base = result([10, 11, 9.5, 10.5, 10.2]);
  const same = compareResults(base, base);
  assert.ok(
    same.every((r) => r.verdict === 'ok'),
    JSON.stringify(same),
  );
  assert.ok(!same.some((r) => r.subject.startsWith('lag')), 'generator lag is not compared');
  assert.ok(!same.some((r) => r.subject.startsWith('session:')), "nor a mix kind's session time (shaped by the scenario)");
  assert.ok(
    same.some((r) => r.subject === 'fanout.p99'),
    'a custom trend is compared like a built-in latency',
  );
  const worse = compareResults(base, result([13, 14.2, 12.6, 13.5, 13.1]));
  const ack = worse.find((r) => r.subject === 'ack.p99')!;
  assert.equal(ack.verdict, 'regression');
  assert.equal(ack.strength, 'strong');
  assert.ok(ack.ci!.low > 1.1);
  const single = compareResults(result([10]), result([13]));
  assert.equal(single.find((r) => r.subject === 'ack.p99')!.verdict, 'regression');
  assert.equal(single[0]!.strength, 'weak');
  const slowerTp = compareResults(result([10, 10, 10], 100), result([10, 10, 10], 80));
  assert.equal(slowerTp.find((r) => r.subject === 'throughput')!.verdict, 'regression');
});
