/** The harness-overhead benchmark says only what its intervals back (bench/overhead/verdict.ts, report.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goalBound, verdictFor, verdicts } from '../../bench/overhead/verdict.ts';
import { overheadFigures, overheadSection, type OverheadResult } from '../../bench/overhead/report.ts';

/** Per-round values around `centre`, spread ±`spread` (fraction), deterministic. */
const rounds = (centre: number, spread: number, n = 6): number[] =>
  Array.from({ length: n }, (_, i) => centre * (1 + spread * (((i * 7) % n) / (n - 1) - 0.5) * 2));
/** The same values in another round order: noise that does not move the clients of a round alike (the rounds are paired). */
const rotated = (xs: number[], k: number): number[] => [...xs.slice(k), ...xs.slice(0, k)];

test('goal bound (issue 19): p50 +50 µs; p90 +10%; p99 +15% or +200 µs, whichever is larger', () => {
  assert.equal(goalBound('p50', 0.25), 1.2);
  assert.equal(goalBound('p50', 1), 1.05);
  assert.equal(goalBound('p90', 0.25), 1.1);
  assert.equal(goalBound('p99', 4), 1.15);
  assert.equal(goalBound('p99', 0.5), 1.4);
});

test('a tight run within the goal is met; one clearly beyond it is not met', () => {
  const met = verdictFor('p50', rounds(1, 0.02), rounds(1, 0.02), rounds(1.02, 0.02));
  assert.equal(met.outcome, 'met');
  assert.ok(met.ratio.high <= 1.1 && met.ratio.low <= met.ratio.ratio);
  const missed = verdictFor('p99', rounds(1, 0.02), rounds(1, 0.02), rounds(2, 0.02));
  assert.equal(missed.outcome, 'not met');
  assert.ok(missed.ratio.low > 1.25);
});

test('an interval that straddles the goal is inconclusive, with the A/A noise floor in its words', () => {
  const noise = rounds(1, 0.6);
  const v = verdictFor('p90', noise, rotated(noise, 2), rotated(noise, 4));
  assert.equal(v.outcome, 'inconclusive');
  assert.match(v.text, /^inconclusive on this machine \(noise floor ±\d+%, see A\/A\)$/);
  assert.ok(v.noiseFloorPct > 10, `${v.noiseFloorPct}`);
});

test('a ratio far below 1 is no PASS when the A/A pair shows the noise reaches past the goal', () => {
  // rtbench's rounds happen to be quiet, but the minimal client against itself spans 0.5–2×
  const v = verdictFor('p99', rounds(10, 0.05), [5, 20, 6, 18, 7, 16], rounds(5, 0.05));
  assert.ok(v.ratio.high <= 1.25, 'the rtbench interval alone is within the goal');
  assert.ok(v.aa.high > 1.25);
  assert.equal(v.outcome, 'inconclusive');
});

function result(minimal: number[], again: number[], rt: number[]): OverheadResult {
  const samples = (xs: number[]): Array<{ count: number; p50: number; p90: number; p99: number; load1: number }> =>
    xs.map((x) => ({ count: 1200, p50: x, p90: 2 * x, p99: 4 * x, load1: 3.5 }));
  const s = { minimal: samples(minimal), 'minimal-again': samples(again), rtbench: samples(rt) };
  const d = { count: 1200, p50: 1, p90: 2, p99: 4 };
  return {
    date: '2026-12-02T02:30:00.000Z',
    environment: { loadAverage: { before: [3.1], after: [3.9] } },
    config: { rates: [200], intervalMs: 100, seconds: 6, rounds: 6, count: 60, variants: ['minimal', 'rtbench', 'minimal-again'] },
    elapsedS: 430,
    results: [{ rate: 200, clients: 20, medians: { minimal: d, 'minimal-again': d, rtbench: { ...d, generators: 1 } }, samples: s, verdicts: verdicts(s) }],
  };
}

test('the summary rows: PASS only for a decided goal, the inconclusive ones say so, and the A/A row is information', () => {
  const noise = rounds(1, 0.6);
  const noisy = overheadFigures(
    result(
      noise,
      rotated(noise, 2),
      rotated(noise, 4).map((x) => 0.7 * x),
    ),
  );
  assert.equal(noisy.length, 4);
  for (const f of noisy.slice(0, 3)) {
    assert.equal(f.met, null);
    assert.match(f.verdictText ?? '', /^inconclusive \(noise floor ±\d+%, see A\/A\)$/);
    assert.match(f.value, /^\d\.\d\d \[\d\.\d\d–\d+\.\d\d\]$/);
  }
  assert.match(noisy[3]!.figure, /^A\/A/);
  assert.equal(noisy[3]!.met, null);
  assert.equal(noisy[3]!.goal.startsWith('('), true);
  const tight = overheadFigures(result(rounds(1, 0.01), rounds(1, 0.01), rounds(1, 0.01)));
  assert.deepEqual(
    tight.slice(0, 3).map((f) => [f.met, f.verdictText]),
    [
      [true, 'PASS'],
      [true, 'PASS'],
      [true, 'PASS'],
    ],
  );
});

test('a results file from before the intervals shows no figure (re-run), not a verdict', () => {
  const old = result(rounds(1, 0.01), rounds(1, 0.01), rounds(1, 0.01));
  delete old.results[0]!.verdicts;
  delete old.results[0]!.samples['minimal-again'];
  const f = overheadFigures(old);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.value, '-');
  assert.equal(f[0]!.met, null);
});

test('the section shows each ratio with its interval beside the A/A interval, and the verdict rule', () => {
  const noise = rounds(1, 0.6);
  const text = overheadSection(
    result(
      noise,
      rotated(noise, 2),
      rotated(noise, 4).map((x) => 0.7 * x),
    ),
    '2026-12-02 02:30 UTC',
    '3.1 → 3.9',
  );
  assert.match(text, /\| 200 \| p99 \| \*\*\d\.\d\d \[[\d.]+–[\d.]+\]\*\* \| [\d.]+ \[[\d.]+–[\d.]+\] \| ≤ 1\.15 \| inconclusive on this machine/);
  assert.match(text, /minimal socket\.io-client again \(A\/A\)/);
  assert.match(text, /load average 3\.1 → 3\.9/);
  assert.doesNotMatch(text, /PASS/);
});

test('paired rounds: drift that moves every client of a round alike cancels; a steady excess does not', () => {
  // the machine got 3× slower over the run, for every client alike; rtbench adds 40% in every round
  const drift = [1, 1.4, 1.8, 2.2, 2.6, 3];
  const v = verdictFor(
    'p50',
    drift,
    drift.map((x) => x * 1.01),
    drift.map((x) => x * 1.4),
  );
  assert.equal(v.outcome, 'not met');
  assert.ok(Math.abs(v.ratio.ratio - 1.4) < 1e-9 && v.ratio.low > 1.35, `${v.ratio.ratio} [${v.ratio.low}–${v.ratio.high}]`);
  assert.ok(v.aa.high < 1.02, 'the A/A pair under the same drift stays at 1');
});
