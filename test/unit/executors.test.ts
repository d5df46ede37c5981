import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivalCount, arrivalOffsetMs, arrivalsFor } from '../../src/executors/arrivals.ts';
import { idBases, peakVus } from '../../src/executors/plan.ts';
import { ownedVus, vuTarget } from '../../src/executors/vus.ts';
import type { ResolvedPhase, ResolvedScenario } from '../../src/scenario/validate.ts';

const phase = (over: Partial<ResolvedPhase>): ResolvedPhase => ({
  index: 0,
  name: 'p',
  kind: 'arrivals',
  startMs: 0,
  durationMs: 10_000,
  from: 10,
  to: 10,
  ...over,
});

test('constant rate: count and evenly spaced intended times', () => {
  const p = phase({});
  assert.equal(arrivalCount(p), 100);
  assert.equal(arrivalOffsetMs(p, 0), 0);
  assert.equal(arrivalOffsetMs(p, 1), 100);
  assert.equal(arrivalOffsetMs(p, 99), 9900);
});

test('ramp: cumulative arrivals follow the integral of the rate', () => {
  const p = phase({ from: 0, to: 20 });
  assert.equal(arrivalCount(p), 100);
  // N(t) = t^2 (t in s) for a 0→20/s ramp over 10 s: the 25th arrival is at 5 s, the 100th at 10 s
  assert.ok(Math.abs(arrivalOffsetMs(p, 25) - 5000) < 1e-6);
  assert.ok(Math.abs(arrivalOffsetMs(p, 100) - 10_000) < 1e-6);
  // more arrivals in the second half than in the first
  const times = [...arrivalsFor(p, 0, 1)].map((a) => a.atMs);
  assert.equal(times.filter((t) => t < 5000).length, 25);
});

test('generators split arrivals evenly and disjointly; the union is the full schedule', () => {
  const p = phase({ startMs: 2000, from: 7, to: 13 });
  const all = [...arrivalsFor(p, 0, 1)];
  const parts = [0, 1, 2].map((g) => [...arrivalsFor(p, g, 3)]);
  const union = parts.flat().sort((a, b) => a.k - b.k);
  assert.deepEqual(union, all);
  for (const part of parts) assert.ok(Math.abs(part.length - all.length / 3) <= 1);
  assert.ok(all.every((a) => a.atMs >= 2000 && a.atMs < 12_000));
});

test('VU ramp target and ownership', () => {
  const p = phase({ kind: 'vus', from: 0, to: 10, startMs: 1000 });
  assert.equal(vuTarget(p, 0), 0);
  assert.equal(vuTarget(p, 6000), 5);
  assert.equal(vuTarget(p, 99_000), 10);
  assert.deepEqual(ownedVus(7, 1, 3), [1, 4]);
  assert.deepEqual([...ownedVus(7, 0, 2), ...ownedVus(7, 1, 2)].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

test('client ids do not overlap across phases', () => {
  const bases = idBases([phase({}), phase({ index: 1, kind: 'vus', from: 3, to: 8 }), phase({ index: 2 })]);
  assert.deepEqual(bases, [0, 100, 108]);
});

test('peakVus: the largest VU count of the closed-model phases', () => {
  const s = {
    phases: [phase({}), phase({ index: 1, kind: 'vus', from: 3, to: 800 }), phase({ index: 2, kind: 'vus', from: 50, to: 50 })],
  } as unknown as ResolvedScenario;
  assert.equal(peakVus(s), 800);
});
