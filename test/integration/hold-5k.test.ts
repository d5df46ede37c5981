import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { memOutput } from './helpers.ts';

test('scenarios/hold-5k.ts: 5,000 concurrent socket.io clients against single, zero errors', { timeout: 120_000 }, async () => {
  const outcome = await run('scenarios/hold-5k.ts', { out: mkdtempSync(join(tmpdir(), 'rtbench-5k-')), stdout: memOutput(), stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  assert.equal(outcome.exitCode, 0, JSON.stringify(r.errors));
  assert.deepEqual(r.errors, {});
  assert.equal(r.counters['sessions.started'], 5000);
  assert.equal(r.counters['sessions.completed'], 5000);
  assert.equal(r.workers.connections['single#0'], 5000);
  const peak = Math.max(...r.timeseries.map((p) => p.connected));
  assert.ok(peak >= 4900, `peak concurrent connections ${peak}`);
});
