import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { findMax } from '../../src/search/search.ts';
import type { SearchOptions } from '../../src/result/types.ts';

const OPTS: SearchOptions = { fromRate: 10, maxRate: 10_000, factor: 2, precision: 0.05, stepMs: 5000, maxSteps: 20 };

/** A step's result as a server with capacity `cap` sessions/s would give it. */
function fakeRun(rate: number, ok: boolean, verdict: 'ok' | 'generator' | 'host' = 'ok', loopDelayP99 = 20): RunResult {
  return {
    status: 'completed',
    durationMs: 5000,
    counters: { 'sessions.started': rate * 5, 'messages.sent': rate * 5, 'messages.received': rate * 5 },
    metrics: { ack: { count: 10, p50: ok ? 2 : 900, p99: ok ? 5 : 2000 } },
    thresholds: [{ subject: 'ack.p99', condition: '< 100ms', actual: ok ? 5 : 2000, ok, abortOnFail: false }],
    generator: { processes: [{ loopDelayP99 }], saturation: { saturated: verdict === 'generator', verdict, reasons: [] } },
  } as unknown as RunResult;
}

test('raises ×factor while steps hold, then bisects to within `precision` of the known capacity', async () => {
  const rates: number[] = [];
  const r = await findMax('single', OPTS, ['ack.p99 < 100ms'], async (rate) => {
    rates.push(rate);
    return fakeRun(rate, rate <= 137);
  });
  assert.deepEqual(rates.slice(0, 6), [10, 20, 40, 80, 160, 120]);
  assert.equal(r.limit, 'server');
  assert.equal(r.lowerBound, false);
  assert.ok(r.maxRate! <= 137 && r.maxRate! >= 137 / 1.05, `found ${r.maxRate}`);
  assert.ok(r.failedAt! > 137 && (r.failedAt! - r.maxRate!) / r.maxRate! <= 0.05);
  assert.equal(r.steps.length, rates.length);
  assert.equal(r.maxMsgsPerSec, r.maxRate! * 2);
});

test('a failure under a saturated generator is retried once; the search stays below it and its figure is a lower bound', async () => {
  const r = await findMax('single', { ...OPTS, precision: 0.1 }, [], async (rate) =>
    rate <= 40 ? fakeRun(rate, true) : fakeRun(rate, false, 'generator', 1990),
  );
  assert.deepEqual(
    r.steps.map((s) => [s.rate, s.retry]),
    [
      [10, false],
      [20, false],
      [40, false],
      [80, false],
      [80, true],
      [60, false],
      [60, true],
      [50, false],
      [50, true],
      [45, false],
      [45, true],
      [42.5, false],
      [42.5, true],
    ],
  );
  assert.equal(r.limit, 'generator');
  assert.equal(r.lowerBound, true);
  assert.equal(r.maxRate, 40);
  assert.equal(r.failedAt, 42.5);
  assert.match(r.verdict, /LOWER BOUND/);
});

test('a saturated failure that is clean on its retry counts as the server failing', async () => {
  let calls = 0;
  const r = await findMax('single', { ...OPTS, precision: 0.3 }, [], async (rate) => {
    calls++;
    if (rate === 80 && calls === 4) return fakeRun(rate, false, 'host', 1990);
    return fakeRun(rate, rate <= 50);
  });
  assert.equal(r.steps[4]!.retry, true);
  assert.equal(r.limit, 'server');
  assert.ok(r.maxRate! <= 50 && r.maxRate! >= 40);
});

test('the first rate fails: goes down by the factor; every step holds up to the cap: a lower bound', async () => {
  const down = await findMax('single', OPTS, [], async (rate) => fakeRun(rate, rate <= 3));
  assert.deepEqual(
    down.steps.slice(0, 3).map((s) => s.rate),
    [10, 5, 2.5],
  );
  assert.ok(down.maxRate! <= 3 && down.maxRate! >= 3 / 1.05, `found ${down.maxRate}`);
  const capped = await findMax('single', { ...OPTS, maxRate: 100 }, [], async (rate) => fakeRun(rate, true));
  assert.deepEqual(
    capped.steps.map((s) => s.rate),
    [10, 20, 40, 80, 100],
  );
  assert.equal(capped.limit, 'rate-cap');
  assert.equal(capped.lowerBound, true);
  const never = await findMax('single', OPTS, [], async (rate) => fakeRun(rate, false));
  assert.equal(never.limit, 'below-min');
  assert.equal(never.maxRate, null);
  const budget = await findMax('single', { ...OPTS, maxSteps: 3 }, [], async (rate) => fakeRun(rate, true));
  assert.equal(budget.steps.length, 3);
  assert.equal(budget.limit, 'max-steps');
});

test("a saturated step that missed its latency limit by far more than the generator's own delay is the server's failure (no retry)", async () => {
  const r = await findMax('single', { ...OPTS, precision: 0.3 }, [], async (rate) =>
    rate <= 50 ? fakeRun(rate, true, 'generator') : fakeRun(rate, false, 'generator', 100),
  );
  assert.ok(r.steps.every((s) => !s.retry));
  assert.ok(r.steps.filter((s) => !s.passed).every((s) => s.beyondHarness));
  assert.equal(r.limit, 'server');
  assert.ok(r.maxRate! <= 50 && r.maxRate! >= 40);
  // the verdict says what the failing step was: flagged, but beyond what the harness explains (not "healthy")
  assert.doesNotMatch(r.verdict, /healthy generator/);
  assert.match(r.verdict, /more than the harness's own delay could explain \(the generator was flagged: saturated\)/);
});

test('a server-limited search with a healthy generator at the failing step says so', async () => {
  const r = await findMax('single', { ...OPTS, precision: 0.3 }, [], async (rate) => fakeRun(rate, rate <= 50));
  assert.equal(r.limit, 'server');
  assert.match(r.verdict, /failed the SLO with a healthy generator/);
});

test('the `search` block: every problem at once, each naming its field; defaults and --duration as the step', async () => {
  const { checkSearchBlock } = await import('../../src/scenario/search-block.ts');
  const { resolveSearchOptions } = await import('../../src/search/options.ts');
  const problems: string[] = [];
  checkSearchBlock({ from: 0, factor: 1, precision: 2, step: '10ms', maxSteps: 1.5, color: 'red' }, problems);
  for (const f of ['search.color', 'search.from', 'search.factor', 'search.precision', 'search.maxSteps', 'search.step'])
    assert.ok(
      problems.some((p) => p.includes(`\`${f}\``)),
      `${f} in ${problems.join(' | ')}`,
    );
  const ok: string[] = [];
  const block = checkSearchBlock({ from: 50, step: '4s' }, ok);
  assert.deepEqual(ok, []);
  assert.deepEqual(resolveSearchOptions(block, { fromRate: 7 }, null), {
    fromRate: 50,
    maxRate: 100_000,
    factor: 2,
    precision: 0.05,
    stepMs: 4000,
    maxSteps: 16,
  });
  assert.equal(resolveSearchOptions(null, { fromRate: 7 }, 9000).stepMs, 9000);
  assert.equal(resolveSearchOptions(null, { fromRate: 7 }, null).fromRate, 7);
});

test('the console table: one row per step with each threshold, the generator verdict and the answer', async () => {
  const { formatSearch } = await import('../../src/reporters/search-table.ts');
  const r = await findMax('single', { ...OPTS, precision: 0.3 }, ['ack.p99 < 100ms'], async (rate) =>
    fakeRun(rate, rate <= 50, rate > 50 ? 'host' : 'ok', 1990),
  );
  const text = formatSearch(r);
  assert.match(text, /SLO: ack\.p99 < 100ms/);
  assert.equal(text.split('\n').filter((l) => /^\s+\d+( \(retry\))?\s/.test(l)).length, r.steps.length);
  assert.match(text, /host busy/);
  assert.match(text, /✗/);
  assert.match(text, /LOWER BOUND/);
});
