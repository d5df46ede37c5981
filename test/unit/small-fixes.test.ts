/**
 * Issue 23, item 8 (the smaller ones): each behaviour shown to fail on the code before its fix.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { createHistogram, recordMs, summarize } from '../../src/metrics/histogram.ts';
import type { RunResult } from '../../src/result/types.ts';
import { formatSearch } from '../../src/reporters/search-table.ts';
import { findMax } from '../../src/search/search.ts';
import { evaluateThresholds } from '../../src/thresholds/evaluate.ts';
import { parseThresholds } from '../../src/thresholds/parse.ts';
import { show } from '../../src/util/show.ts';

function io(): CliIO & { out: () => string; err: () => string } {
  const o: string[] = [];
  const e: string[] = [];
  return {
    stdout: { write: (t) => void o.push(t), isTTY: false },
    stderr: { write: (t) => void e.push(t), isTTY: false },
    onSignal: () => () => {},
    out: () => o.join(''),
    err: () => e.join(''),
  };
}

test('`--duration -1s` is refused by the duration check, naming what was typed (not `Unknown arguments: 1, s`)', async () => {
  const x = io();
  const code = await cli(['run', 'scenarios/echo.ts', '--duration', '-1s', '--dry-run'], x);
  assert.equal(code, 2);
  assert.match(x.err(), /`--duration` must be a positive duration like 30s or 2m \(got -1s\)/);
  assert.doesNotMatch(x.err(), /Unknown argument/);
});

test('a flag that is not a number says what was typed (`--generators abc`), not NaN', async () => {
  const x = io();
  const code = await cli(['run', 'scenarios/echo.ts', '--generators', 'abc', '--dry-run'], x);
  assert.equal(code, 2);
  assert.match(x.err(), /`--generators` must be a number \(got "abc"\) \[E_USAGE\]/);
  assert.doesNotMatch(x.err(), /NaN/);
});

test('`rtbench --version` prints the version from package.json, exit 0', async () => {
  const x = io();
  assert.equal(await cli(['--version'], x), 0);
  assert.match(x.out(), /^\d+\.\d+\.\d+\S*\n$/);
  assert.equal(x.err(), '');
});

test('scenario values JSON cannot spell show as written: Infinity, NaN (not null)', () => {
  assert.equal(show(Infinity), 'Infinity');
  assert.equal(show(-Infinity), '-Infinity');
  assert.equal(show(NaN), 'NaN');
  assert.equal(show({ arrivalRate: Infinity, vus: [1, NaN] }), '{"arrivalRate":Infinity,"vus":[1,NaN]}');
  assert.equal(show(null), 'null');
  assert.equal(show('x'), '"x"');
});

test("no percentile above the recorded max (HDR gives a bucket's highest equivalent value), also in thresholds", () => {
  const h = createHistogram();
  recordMs(h, 1234.567);
  const s = summarize(h);
  assert.equal(s.max, 1234.567);
  for (const p of [s.p50, s.p90, s.p99, s.p999, s.mean]) assert.ok(p <= s.max, `${p} > max ${s.max}`);
  const r = { metrics: { ack: s }, counters: {}, workers: {}, durationMs: 1000 } as unknown as RunResult;
  const [t] = evaluateThresholds(parseThresholds({ 'ack.p99.9': '< 1234.6' }).thresholds, r);
  assert.equal(t!.actual, 1234.567);
  assert.equal(t!.ok, true);
});

/** A find-max step's result: `rate` sessions/s for 5 s of step, then 3 s of drain. */
function stepRun(rate: number): RunResult {
  return {
    status: 'completed',
    durationMs: 8000,
    counters: { 'sessions.started': rate * 5, 'messages.sent': rate * 5, 'messages.received': rate * 5 },
    metrics: { ack: { count: 10, p50: 2, p99: 5 } },
    thresholds: [
      { subject: 'ack.p99', condition: '< 100ms', actual: 5, ok: true, abortOnFail: false, unit: 'ms' },
      { subject: 'checks.failRate', condition: '< 1%', actual: 0, ok: true, abortOnFail: false, unit: 'fraction' },
    ],
    generator: { processes: [{ loopDelayP99: 1 }], saturation: { saturated: false, verdict: 'ok', reasons: [] } },
  } as unknown as RunResult;
}

test('find-max: sessions/s and msgs/s are per second of the step (not of step plus drain); checks.failRate shows as a percentage', async () => {
  const r = await findMax(
    'single',
    { fromRate: 10, maxRate: 10, factor: 2, precision: 0.05, stepMs: 5000, maxSteps: 1 },
    ['ack.p99 < 100ms', 'checks.failRate < 1%'],
    async (rate) => stepRun(rate),
  );
  assert.equal(r.steps[0]!.sessionsPerSec, 10);
  assert.equal(r.steps[0]!.msgsPerSec, 20);
  const text = formatSearch(r);
  const row = text.split('\n').find((l) => /^\s+1\s/.test(l))!;
  assert.match(row, /\s0\.00%\s/, row);
  assert.doesNotMatch(row, /0\.00ms/, row);
  assert.match(row, /\s5\.00ms\s/, row);
});

test('hints fit an installed package: no bundled scenarios there (`rtbench init` instead); an unreachable own server is not told to run `rtbench serve`', async () => {
  const { bundledScenarios } = await import('../../src/scenario/load.ts');
  const { checkReachable, parseTarget } = await import('../../src/target/target.ts');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const net = await import('node:net');
  assert.match(bundledScenarios(), /the bundled scenarios are in scenarios\/, e\.g\. scenarios\/churn\.ts/, 'a clone has them');
  const installed = mkdtempSync(join(tmpdir(), 'rtbench-pkg-'));
  assert.equal(bundledScenarios(installed), '`npx rtbench init` writes a starter scenario (rtbench/smoke.ts) for your server');
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const err = await checkReachable(await parseTarget(`http://127.0.0.1:${port}`)).then(
    () => null,
    (e: { hint?: string }) => e,
  );
  assert.ok(err, 'refused');
  assert.doesNotMatch(err.hint ?? '', /rtbench serve/);
  assert.match(err.hint ?? '', new RegExp(`is your server running and listening on 127\\.0\\.0\\.1:${port}\\?`));
});

test('compare says when the runs differ in length or a generator was saturated (or the host busy)', async () => {
  const { compareCaveats } = await import('../../src/compare/compare.ts');
  const run = (durationMs: number, verdict: 'ok' | 'generator' | 'host'): RunResult =>
    ({
      topology: 'single',
      durationMs,
      metrics: {},
      counters: {},
      generator: { processes: [], saturation: { saturated: verdict === 'generator', verdict, reasons: [] } },
    }) as unknown as RunResult;
  const file = (r: RunResult) =>
    ({
      schema: 'rtbench.result/v1',
      scenario: { name: 's', file: 's.ts', options: {} },
      environment: {},
      createdAt: '',
      runs: [r],
    }) as unknown as import('../../src/result/types.ts').RunFile;
  assert.deepEqual(compareCaveats(file(run(10_000, 'ok')), file(run(10_500, 'ok'))), [], 'like for like: nothing to say');
  assert.deepEqual(compareCaveats(file(run(10_000, 'ok')), file(run(30_000, 'generator'))), [
    'single: the runs differ in length (baseline 10s, current 30s): tails and throughput are not like for like; run both with the same --duration',
    "single: the current run's generator was saturated: its latencies include the generator's own delay (more --generators, or a lighter load)",
  ]);
  assert.match(compareCaveats(file(run(10_000, 'host')), file(run(10_000, 'ok')))[0]!, /the baseline run's host was busy/);
});
