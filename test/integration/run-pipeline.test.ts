import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { renderMarkdown } from '../../src/reporters/markdown.ts';
import { memOutput } from './helpers.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'rtbench-pipe-'));

test('closed model: consecutive vus phases carry their VUs over; connected never exceeds vus by more than one per generator', async () => {
  const outcome = await run('test/fixtures/vus-carry.ts', { out: tmp(), generators: 2, stdout: memOutput(), stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  const connected = r.timeseries.map((p) => p.connected);
  assert.ok(Math.max(...connected) >= 15, `the load ran: ${connected.join(' ')}`);
  assert.ok(Math.max(...connected) <= 20 + 2, `connected per second: ${connected.join(' ')} (vus 20, 2 generators)`);
  assert.ok(
    r.generator.processes.every((g) => g.peakClients <= 11),
    `peak per generator: ${r.generator.processes.map((g) => g.peakClients).join(', ')}`,
  );
});

test('27 of 40 sessions fail with two errors: the default gate fails the run (exit 99), both messages are listed with counts, sessions come first', async () => {
  const stdout = memOutput();
  const outcome = await run('test/fixtures/two-errors.ts', { out: tmp(), generators: 2, stdout, stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  assert.equal(r.counters['sessions.started'], 40);
  assert.equal(r.counters['sessions.failed'], 27);
  assert.equal(outcome.exitCode, 99, "sessions.failedRate < 1% is every run's gate");
  assert.deepEqual(
    r.thresholds.map((t) => [t.subject, t.ok]),
    [['sessions.failedRate', false]],
  );
  const messages = r.errors.session_error!.messages!;
  assert.equal(messages.length, 2, JSON.stringify(messages));
  assert.match(messages[0]!.message, /^Error: boom \(.*two-errors\.ts:\d+/);
  assert.equal(messages[0]!.count, 20);
  assert.match(messages[1]!.message, /^TypeError: Cannot set properties of null .*two-errors\.ts:\d+/);
  assert.equal(messages[1]!.count, 7);
  const summary = stdout.text().slice(stdout.text().indexOf('rtbench summary'));
  assert.match(summary.split('\n')[2]!, /sessions: 40 started, 13 completed, 27 failed \(67\.5%\)/);
  assert.match(renderMarkdown(outcome.file), /### single — ❌ 1 threshold\(s\) failed\n\nsessions: 40 started, 13 completed, 27 failed/);
});
