import assert from 'node:assert/strict';
import { test } from 'node:test';
import { perSecond, secondShares, soleAckEvent } from '../../src/reporters/html/data.ts';
import type { RunResult } from '../../src/result/types.ts';

test("a run's partial last second is scaled by its real length, or left out under half a second", () => {
  const t = [0, 1, 2, 3];
  const counts = [40, 40, 40, 10];
  assert.deepEqual(perSecond(counts, t, secondShares({ durationMs: 3241 } as RunResult)), [40, 40, 40, null], '0.24 s: left out');
  const scaled = perSecond(counts, t, secondShares({ durationMs: 3800 } as RunResult));
  assert.deepEqual(scaled.slice(0, 3), [40, 40, 40]);
  assert.ok(Math.abs(scaled[3]! - 10 / 0.8) < 1e-9, `0.8 s: ${scaled[3]} per second`);
  assert.deepEqual(perSecond([5, 5, 5], [0, 1, 2], secondShares({ durationMs: 3000 } as RunResult)), [5, 5, 5], 'whole seconds stay');
  // rounds lie end to end: each round's last second is partial
  const rounds = {
    durationMs: 6500,
    rounds: [
      { seconds: { from: 0, to: 4 }, durationMs: 3200 },
      { seconds: { from: 4, to: 8 }, durationMs: 3700 },
    ],
  } as unknown as RunResult;
  const got = perSecond([9, 9, 9, 3, 9, 9, 9, 7], [0, 1, 2, 3, 4, 5, 6, 7], secondShares(rounds));
  assert.deepEqual(got.slice(0, 7), [9, 9, 9, null, 9, 9, 9]);
  assert.ok(Math.abs(got[7]! - 10) < 1e-9);
});

test('a sole ack:<event> equal to ack is recognised; two events, or different figures, are not', () => {
  const m = { count: 5, min: 1, mean: 2, p50: 2, p90: 3, p99: 4, p999: 4, max: 4, hdr: 'H' };
  const run = (metrics: Record<string, typeof m>): RunResult => ({ metrics }) as unknown as RunResult;
  assert.equal(soleAckEvent(run({ ack: m, 'ack:echo': { ...m } })), 'ack:echo');
  assert.equal(soleAckEvent(run({ ack: m, 'ack:echo': { ...m, p99: 9 } })), null);
  assert.equal(soleAckEvent(run({ ack: { ...m, count: 10 }, 'ack:echo': m, 'ack:join': m })), null);
  assert.equal(soleAckEvent(run({ ack: m })), null);
});
