import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { jsonReporter } from '../../src/reporters/json.ts';
import type { Reporter } from '../../src/run/reporter.ts';
import type { RunFile } from '../../src/result/types.ts';
import { alive, memOutput } from './helpers.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'rtbench-it-'));

test('run(): embedded single topology, two generators, merged result on disk', async () => {
  const out = tmp();
  const stdout = memOutput();
  const outcome = await run('test/fixtures/tiny-echo.ts', { out, generators: 2, stdout, stderr: memOutput() });
  assert.equal(outcome.exitCode, 0);
  const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
  assert.equal(file.schema, 'rtbench.result/v1');
  assert.equal(file.scenario.name, 'tiny echo');
  assert.match(file.environment.node, /^v20/);
  const r = file.runs[0]!;
  assert.equal(r.topology, 'single');
  assert.equal(r.status, 'completed');
  // 2 s × 10 arrivals/s = 20 sessions, 5 acked echoes each
  assert.equal(r.counters['sessions.started'], 20);
  assert.equal(r.counters['sessions.completed'], 20);
  assert.equal(r.metrics.connect!.count, 20);
  assert.equal(r.metrics['ack:echo']!.count, 100);
  assert.ok(r.metrics['ack:echo']!.hdr.length > 10);
  assert.ok(r.metrics['ack:echo']!.p50 > 0);
  assert.deepEqual(r.workers.connections, { 'single#0': 20 });
  assert.equal(r.workers.maxOverMean, 1);
  assert.equal(r.generator.processes.length, 2);
  assert.ok(r.timeseries.length >= 2);
  assert.equal(Object.keys(r.errors).length, 0);
  assert.match(stdout.text(), /ack:echo/);
  assert.match(stdout.text(), /result: .*result\.json/);
  for (const g of r.generator.processes) assert.ok(!alive(g.pid), `generator ${g.pid} still alive`);
});

test("run(): the ws engine against the reference app's /ws flavour, with room broadcasts", async () => {
  const outcome = await run('test/fixtures/tiny-ws.ts', { out: tmp(), generators: 1, stdout: memOutput(), stderr: memOutput() });
  assert.equal(outcome.exitCode, 0);
  const r = outcome.file.runs[0]!;
  assert.equal(r.engine, 'ws');
  assert.ok(r.metrics['ack:join']!.count >= 6);
  assert.equal(r.metrics['ack:whoami']!.count, r.counters['sessions.completed'], 'each client saw its own source address');
  assert.ok(r.metrics.broadcast!.count >= 6, 'broadcast fan-out recorded');
  assert.equal(r.workers.connections['single#0'], r.counters['sessions.started']);
  assert.equal(r.errors.disconnected, undefined);
});

test('long-polling clients bind their own source addresses (the server sees them)', async () => {
  const outcome = await run('test/fixtures/tiny-polling.ts', { out: tmp(), generators: 1, stdout: memOutput(), stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  assert.deepEqual(r.errors, {});
  assert.equal(r.counters['sessions.completed'], 6);
  assert.equal(r.metrics['ack:whoami']!.count, 6);
});

test('a session that throws is counted and sampled with its scenario line, not a crash', async () => {
  const outcome = await run('test/fixtures/throws.ts', { out: tmp(), generators: 1, stdout: memOutput(), stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  assert.equal(r.status, 'completed');
  assert.equal(r.counters['sessions.failed'], 5);
  assert.equal(r.errors.session_error!.count, 5);
  assert.match(r.errors.session_error!.sample, /scenario bug on purpose.*throws\.ts:\d+/);
});

test('interrupting a run keeps what was measured and marks it interrupted', async () => {
  const ac = new AbortController();
  let abortedAt = 0;
  const interrupter: Reporter = {
    name: 'interrupter',
    onTick(t) {
      if (t.elapsedMs >= 2000 && !abortedAt) {
        abortedAt = Date.now();
        ac.abort();
      }
    },
  };
  const out = tmp();
  const outcome = await run('scenarios/echo.ts', {
    out,
    generators: 1,
    signal: ac.signal,
    reporters: [interrupter, jsonReporter()],
    stdout: memOutput(),
    stderr: memOutput(),
  });
  assert.ok(abortedAt > 0);
  assert.ok(Date.now() - abortedAt < 8000, 'stops promptly');
  assert.equal(outcome.exitCode, 130);
  const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
  assert.equal(file.runs[0]!.status, 'interrupted');
  assert.ok(file.runs[0]!.metrics['ack:echo']!.count > 50);
  // sessions cut short by the interrupt are interrupted, never failed (they used to fail the default gate: exit 99)
  assert.equal(file.runs[0]!.counters['sessions.failed'] ?? 0, 0);
  assert.ok((file.runs[0]!.counters['sessions.interrupted'] ?? 0) > 0);
});

test('an interrupt while the generators are still starting stops the run before any load (the stop is not lost)', async () => {
  const ac = new AbortController();
  // onRunStart fires after the server is up and before the generators are forked: the stop reaches them before `start`
  const interrupter: Reporter = { name: 'early-interrupter', onRunStart: () => ac.abort() };
  const t0 = Date.now();
  const out = tmp();
  const outcome = await run('scenarios/echo.ts', {
    out,
    generators: 1,
    signal: ac.signal,
    reporters: [interrupter, jsonReporter()],
    stdout: memOutput(),
    stderr: memOutput(),
  });
  // echo.ts runs 20 s; an ignored stop would run it to the end
  assert.ok(Date.now() - t0 < 12_000, `stopped after ${Date.now() - t0} ms`);
  assert.equal(outcome.exitCode, 130);
  const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
  assert.equal(file.runs[0]!.status, 'interrupted');
  assert.ok((file.runs[0]!.counters['sessions.started'] ?? 0) < 100, `started ${file.runs[0]!.counters['sessions.started']}`);
});

test('CLI acceptance: rtbench run scenarios/churn.ts --out DIR exits 0 with connect, ack and broadcast histograms', () => {
  const out = tmp();
  const r = spawnSync(process.execPath, ['bin/rtbench.js', 'run', 'scenarios/churn.ts', '--out', out, '--duration', '8s'], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /churn/);
  const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
  const m = file.runs[0]!.metrics;
  for (const k of ['connect', 'ack', 'broadcast', 'session']) assert.ok(m[k]!.count > 0, `${k} empty`);
  assert.equal(Object.keys(file.runs[0]!.workers.connections).length, 1);
});

test('thresholds: evaluated on the merged result, failures listed first, exit 99', async () => {
  const stdout = memOutput();
  const outcome = await run('test/fixtures/gated.ts', { out: tmp(), generators: 2, stdout, stderr: memOutput() });
  assert.equal(outcome.exitCode, 99);
  const t = outcome.file.runs[0]!.thresholds;
  // the default gate (sessions.failedRate < 1%) comes with every run
  assert.deepEqual(
    t.map((x) => [x.subject, x.ok]),
    [
      ['ack:echo.p95', false],
      ['broadcast.p99', false],
      ['sessions.failedRate', true],
      ['errors.rate', true],
    ],
  );
  assert.match(stdout.text(), /THRESHOLDS FAILED: 2 of 4\n\s+FAIL ack:echo\.p95/);
});

test('abortOnFail stops a 30 s run within seconds, exit 99', async () => {
  const t0 = Date.now();
  const outcome = await run('test/fixtures/abort-on-fail.ts', { out: tmp(), generators: 1, stdout: memOutput(), stderr: memOutput() });
  assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0}ms`);
  assert.equal(outcome.exitCode, 99);
  assert.match(outcome.file.runs[0]!.abortedBy!, /connect\.max < 0\.001ms/);
  assert.equal(outcome.file.runs[0]!.status, 'interrupted');
});
