import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSearch } from '../../src/search/run-search.ts';
import type { InputError } from '../../src/shared/errors.ts';
import { memOutput } from '../integration/helpers.ts';

const FILE = 'test/fixtures/capacity-echo.ts';

test('--find-max --dry-run prints the search plan and exits 0: no step is run, nothing is written', async () => {
  const stdout = memOutput();
  const o = await runSearch(FILE, { dryRun: true, out: '/nonexistent/never-written', stdout, stderr: memOutput() });
  assert.equal(o.exitCode, 0);
  assert.deepEqual(o.searches, []);
  assert.deepEqual(o.file.runs, []);
  const text = stdout.text();
  assert.match(text, /^dry run: capacity search planned, nothing connected or started\n/);
  assert.match(text, /\n +phase 1 +the first step, at 20\/s: 6s, 20 arrivals\/s\n/);
  assert.match(text, /\n +each step +6s \(\+ up to 3s graceful stop\)\n/);
  assert.match(text, /\n +thresholds +sessions\.failedRate < 1%, ack:echo\.p50 < 250ms\n/);
  assert.match(text, /\n +search +from 20\/s, ×2 while steps hold \(up to 100000\/s\), then bisect .* within 10%; at most 12 steps\n/);
  assert.match(text, /\n +steps +each 6s at one constant arrival rate/);
  assert.match(text, /\n +searched +single\n/);
  // --duration is the step, --topology the topologies searched
  const other = memOutput();
  await runSearch(FILE, { dryRun: true, duration: '3s', topology: 'single,cluster:2:redis', stdout: other, stderr: memOutput() });
  assert.match(other.text(), /\n +each step +3s /);
  assert.match(other.text(), /\n +searched +single, cluster:2:redis, one after the other\n/);
});

test('--find-max refuses a --duration it cannot read, with the missing-unit fix, before any load', async () => {
  const refused = async (duration: string): Promise<string> =>
    runSearch(FILE, { dryRun: true, duration, stdout: memOutput(), stderr: memOutput() }).then(
      () => 'accepted',
      (e: InputError) => `${e.code} ${e.details.join(' | ')}`,
    );
  assert.equal(
    await refused('5'),
    "E_USAGE `--duration` sets the length of each search step: a duration like 10s (got 5): it has no unit; write '5s' for seconds or '5ms' for milliseconds",
  );
  assert.equal(await refused('abc'), 'E_USAGE `--duration` sets the length of each search step: a duration like 10s (got abc)');
  assert.equal(await refused('500ms'), 'E_USAGE `--duration` sets the length of each search step: at least 1s (got 500ms)');
  assert.equal(await refused('2s'), 'accepted');
});
