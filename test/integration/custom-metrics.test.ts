import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { jsonReporter } from '../../src/reporters/json.ts';
import type { Reporter } from '../../src/run/reporter.ts';
import type { RunFile, RunResult } from '../../src/result/types.ts';
import { alive, memOutput } from './helpers.ts';
import { startReferenceServer } from '../../reference-server/start.ts';

// Issue 12, parts 3–5, against the embedded reference server (no --target).
const tmp = (): string => mkdtempSync(join(tmpdir(), 'rtbench-custom-'));
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/rtbench.js', ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env } });

test('a custom fan-out trend, a counter and a check, from two generators: merged exactly, gates pass (exit 0)', { timeout: 90_000 }, async () => {
  const out = tmp();
  const stdout = memOutput();
  const outcome = await run('test/fixtures/custom-fanout.ts', { out, generators: 2, stdout, stderr: memOutput() });
  const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
  const r = file.runs[0]!;
  assert.equal(outcome.exitCode, 0, stdout.text());
  assert.deepEqual(r.errors, {});
  // 2 s × 10/s = 20 sessions, 3 self-addressed broadcasts each, split over both generators
  assert.equal(r.counters['sessions.completed'], 20);
  assert.equal(r.generator.processes.length, 2);
  assert.equal(r.metrics.fanout!.count, 60, 'every delivery recorded once in the merged trend');
  assert.equal(r.metrics.fanout!.count, r.metrics.broadcast!.count, 'the app-stamped trend saw what the built-in fan-out saw');
  assert.equal(r.counters.delivered, 60);
  assert.deepEqual([r.counters['checks.pass'], r.counters['checks.fail'] ?? 0, r.counters['check:fanout under the limit.pass']], [60, 0, 60]);
  assert.ok(r.metrics.fanout!.hdr.length > 10 && r.metrics.fanout!.max >= r.metrics.fanout!.p50);
  assert.deepEqual((file.scenario.options as { metrics: unknown }).metrics, { fanout: 'trend', delivered: 'counter' });
  assert.deepEqual(
    r.thresholds.map((t) => [t.subject, t.ok]),
    [
      ['sessions.failedRate', true],
      ['fanout.p99', true],
      ['delivered.count', true],
      ['checks.failRate', true],
    ],
  );
  assert.match(stdout.text(), /ok   checks\.failRate < 1%  \(0%\)/);
  assert.match(stdout.text(), /counters: delivered 60/);
  assert.match(stdout.text(), /\n  fanout +60 /);
  // per second, as ack: the time series adds up to the totals
  const sum = (f: (p: RunResult['timeseries'][number]) => number | undefined): number => r.timeseries.reduce((a, p) => a + (f(p) ?? 0), 0);
  assert.deepEqual(
    [sum((p) => p.custom?.trends.fanout?.count), sum((p) => p.custom?.counters.delivered), sum((p) => p.checks?.pass), sum((p) => p.checks?.fail)],
    [60, 60, 60, 0],
  );
  assert.ok(
    r.timeseries.some((p) => (p.custom?.trends.fanout?.p99 ?? -1) >= 0),
    'some second has a fan-out p99',
  );
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<h3>Checks<\/h3>.*<code>fanout under the limit<\/code>/s);
  assert.match(html, /<code>fanout<\/code><\/td><td>60<\/td>/, 'the custom trend is a row of the histogram table');
  assert.match(html, /<code>delivered<\/code><\/td><td>60<\/td>/, 'the custom counter is a row of the counter table');
  for (const g of r.generator.processes) assert.ok(!alive(g.pid), `generator ${g.pid} still alive`);
});

test('the same run with an impossible limit: the custom trend and the check fail the gate (exit 99), JUnit and Markdown say so', { timeout: 90_000 }, () => {
  const out = tmp();
  const junit = join(out, 'junit.xml');
  const md = join(out, 'summary.md');
  const res = cli(['run', 'test/fixtures/custom-fanout.ts', '--generators', '1', '--out', out, '--junit', junit, '--summary-md', md], {
    RTBENCH_TEST_FANOUT_LIMIT_MS: '0',
  });
  assert.equal(res.status, 99, res.stdout + res.stderr);
  assert.match(res.stdout, /FAIL fanout\.p99 < 0ms/);
  assert.match(res.stdout, /FAIL checks\.failRate < 1%  \(100%\)/);
  assert.match(res.stdout, /ok   delivered\.count > 0  \(60\)/);
  assert.match(readFileSync(junit, 'utf8'), /<failure message="checks\.failRate &lt; 1% failed: measured 1"/);
  assert.match(readFileSync(junit, 'utf8'), /<property name="check:fanout under the limit\.failed" value="60"\/>/);
  assert.match(readFileSync(md, 'utf8'), /\| ❌ \| fanout under the limit \| 0 \| 60 \|/);
});

test('--repeat 2: the combined custom trend, counter and checks are the sums of the rounds', { timeout: 120_000 }, async () => {
  const rounds: RunResult[] = [];
  const capture: Reporter = { name: 'rounds', onRunEnd: (r) => void rounds.push(r) };
  const out = tmp();
  const outcome = await run('test/fixtures/custom-fanout.ts', {
    out,
    repeat: 2,
    generators: 1,
    reporters: [capture, jsonReporter(() => {})],
    stdout: memOutput(),
    stderr: memOutput(),
  });
  assert.equal(outcome.exitCode, 0);
  assert.equal(rounds.length, 2);
  const r = outcome.file.runs[0]!;
  const sum = (f: (x: RunResult) => number): number => rounds.reduce((a, x) => a + f(x), 0);
  assert.equal(
    r.metrics.fanout!.count,
    sum((x) => x.metrics.fanout!.count),
  );
  assert.equal(r.metrics.fanout!.count, 120);
  assert.equal(r.metrics.fanout!.max, Math.max(...rounds.map((x) => x.metrics.fanout!.max)));
  assert.equal(
    r.counters.delivered,
    sum((x) => x.counters.delivered!),
  );
  assert.equal(
    r.counters['checks.pass'],
    sum((x) => x.counters['checks.pass']!),
  );
  assert.equal(r.rounds!.length, 2);
  assert.ok(r.thresholds.every((t) => t.ok));
});

test('setup() data reaches every session of a 3:1 mix; per-kind counts and durations; teardown gets the data', { timeout: 90_000 }, async () => {
  const out = tmp();
  const trace = join(out, 'teardown.json');
  process.env.RTBENCH_TEST_TEARDOWN_FILE = trace;
  const stdout = memOutput();
  try {
    const outcome = await run('test/fixtures/mix-setup.ts', { out, generators: 2, stdout, stderr: memOutput() });
    assert.equal(outcome.exitCode, 0, stdout.text());
  } finally {
    delete process.env.RTBENCH_TEST_TEARDOWN_FILE;
  }
  const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
  const r = file.runs[0]!;
  const c = r.counters;
  // ids 0..19, weights 3:1 → exactly 15 listeners and 5 senders, whichever generator ran them
  assert.deepEqual(
    [c['session:listener.started'], c['session:listener.completed'], c['session:sender.started'], c['session:sender.completed']],
    [15, 15, 5, 5],
  );
  assert.equal(c['session:listener.failed'] ?? 0, 0);
  assert.equal(r.metrics['session:listener']!.count, 15);
  assert.equal(r.metrics['session:sender']!.count, 5);
  assert.equal(r.metrics.session!.count, 20);
  assert.deepEqual([c['check:data reached the session.pass'], c['check:data reached the session.fail'] ?? 0], [20, 0]);
  assert.deepEqual([c['check:kind.pass'], c['check:kind.fail'] ?? 0], [20, 0]);
  assert.equal(r.metrics['ack:echo']!.count, 5, 'senders echoed the target setup() saw');
  assert.match(stdout.text(), /sessions by kind:\n    listener: 15 started, 15 completed, 0 failed, duration p50/);
  const t = JSON.parse(readFileSync(trace, 'utf8')) as { data: { room: string; target: string }; target: string };
  assert.equal(t.data.room, 'lobby');
  assert.equal(t.data.target, r.target);
  assert.equal(t.target, r.target);
});

test('teardown() runs after an interrupt (AbortSignal), and the result is kept as interrupted', { timeout: 90_000 }, async () => {
  const out = tmp();
  const trace = join(out, 'teardown.json');
  Object.assign(process.env, { RTBENCH_TEST_TEARDOWN_FILE: trace, RTBENCH_TEST_PHASE: '60s' });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 4000);
  try {
    const outcome = await run('test/fixtures/mix-setup.ts', { out, generators: 1, signal: ac.signal, stdout: memOutput(), stderr: memOutput() });
    assert.equal(outcome.file.runs[0]!.status, 'interrupted');
    assert.equal(outcome.exitCode, 130);
  } finally {
    clearTimeout(timer);
    delete process.env.RTBENCH_TEST_TEARDOWN_FILE;
    delete process.env.RTBENCH_TEST_PHASE;
  }
  assert.ok(existsSync(trace), 'teardown ran');
  assert.equal((JSON.parse(readFileSync(trace, 'utf8')) as { data: { room: string } }).data.room, 'lobby');
});

test('a failing setup() stops the run before any load: exit 1, the file and line, no stack trace', { timeout: 60_000 }, () => {
  const out = tmp();
  const res = cli(['run', 'test/fixtures/setup-throws.ts', '--generators', '1', '--out', out]);
  assert.equal(res.status, 1, res.stdout + res.stderr);
  assert.match(res.stderr, /setup\(\) in test\/fixtures\/setup-throws\.ts failed: no load was started \[E_SETUP\]/);
  assert.match(res.stderr, /Error: cannot log in: 401 \(.*setup-throws\.ts:8:\d+\)/);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(join(out, 'result.json')), 'no load, no result');
});

test('an on() handler that misuses ctx.metrics is a session_error naming the call and line; the generator goes on', { timeout: 60_000 }, async () => {
  const outcome = await run('test/fixtures/handler-throws.ts', { out: tmp(), generators: 1, stdout: memOutput(), stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  assert.equal(r.status, 'completed');
  assert.equal(r.crashedGenerators, undefined);
  assert.equal(r.counters['sessions.completed'], 5);
  assert.equal(r.errors.session_error!.count, 5);
  assert.match(r.errors.session_error!.sample, /ctx\.metrics\.record\('fan_out', ms\): `fan_out` is not declared .*handler-throws\.ts:11:\d+/);
  assert.equal(r.metrics.fanout!.count, 5, 'the session went on after its handler threw');
});

test('--target with --repeat 3: setup() runs once before the first round and teardown() once after the last; the embedded server has one per round', {
  timeout: 120_000,
}, async () => {
  const out = tmp();
  const log = join(out, 'lifecycle.log');
  process.env.RTBENCH_TEST_SETUP_LOG = log;
  const server = await startReferenceServer({ topology: 'single', timeoutMs: 30_000 });
  try {
    const outcome = await run('test/fixtures/setup-once.ts', {
      target: server.url,
      repeat: 3,
      out: join(out, 'target'),
      generators: 1,
      stdout: memOutput(),
      stderr: memOutput(),
    });
    assert.equal(outcome.exitCode, 0);
    const r = outcome.file.runs[0]!;
    assert.equal(r.rounds?.length, 3);
    assert.deepEqual([r.counters['check:setup data.pass'], r.counters['check:setup data.fail'] ?? 0], [12, 0], 'every round got the one setup value');
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [`setup ${server.url}`, 'teardown secret-1']);
    // without --target each round starts its own reference server, and sets it up
    writeFileSync(log, '');
    const embedded = await run('test/fixtures/setup-once.ts', {
      repeat: 2,
      out: join(out, 'embedded'),
      generators: 1,
      stdout: memOutput(),
      stderr: memOutput(),
    });
    assert.equal(embedded.exitCode, 0);
    assert.deepEqual(
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
      ['setup', 'teardown', 'setup', 'teardown'],
    );
  } finally {
    delete process.env.RTBENCH_TEST_SETUP_LOG;
    await server.stop();
  }
});
