import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startReferenceServer } from '../../reference-server/start.ts';
import type { RunFile } from '../../src/result/types.ts';
import { runSearch } from '../../src/search/run-search.ts';
import { memOutput } from './helpers.ts';

test('--find-max against a server whose capacity is known (50 events/s: --service-ms 20) finds it within 15%, and writes every step in one result.json', async () => {
  const server = await startReferenceServer({ topology: 'single', serviceMs: 20 });
  const out = mkdtempSync(join(tmpdir(), 'rtbench-search-'));
  const stdout = memOutput();
  try {
    const started = Date.now();
    const { searches, exitCode } = await runSearch('test/fixtures/capacity-echo.ts', { target: server.url, out, stdout, stderr: memOutput() });
    const s = searches[0]!;
    console.log(stdout.text());
    assert.equal(exitCode, 0);
    assert.ok(s.maxRate !== null, s.verdict);
    assert.ok(Math.abs(s.maxRate - 50) / 50 <= 0.15, `found ${s.maxRate}/s, the known capacity is 50/s (limit ${s.limit}: ${s.verdict})`);
    if (s.limit !== 'server') console.log(`NOTE: the search stopped on \`${s.limit}\` (busy machine), its figure is still within 15%`);
    assert.ok(s.steps.length >= 4, 'raised, then bisected');
    assert.ok(s.steps.some((st) => st.passed) && s.steps.some((st) => !st.passed));
    for (const st of s.steps) {
      if (st.rate > 57.5) assert.ok(!st.passed, `${st.rate}/s is over the capacity by more than 15%: it cannot hold`);
      if (st.rate <= 42.5 && st.generator === 'ok') assert.ok(st.passed, `${st.rate}/s is well under the capacity: it must hold`);
    }
    const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
    assert.equal(file.search?.[0]?.steps.length, s.steps.length, 'every step in result.json');
    assert.ok(
      file.search![0]!.steps.every((st) => st.result.metrics['ack:echo']?.hdr),
      'each step keeps its whole result (HDR histograms)',
    );
    assert.equal(file.runs.length, 1);
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /capacity search/i);
    assert.match(stdout.text(), /rate\/s[\s\S]*held[\s\S]*failed/);
    assert.ok(Date.now() - started < 150_000, 'short');
  } finally {
    await server.stop();
  }
});

test('--find-max refuses a scenario without thresholds (they are the SLO)', async () => {
  await assert.rejects(
    runSearch('test/fixtures/tiny-echo.ts', { target: 'http://127.0.0.1:9', stdout: memOutput(), stderr: memOutput() }),
    (e: Error & { details?: string[] }) => /no `thresholds`/.test((e.details ?? []).join(' ')),
  );
});

test('--find-max plans once: the scenario is loaded and validated once for the whole search, each step runs the plan with its own phase', async () => {
  const server = await startReferenceServer({ topology: 'single' });
  const g = globalThis as { rtbenchScenarioLoads?: number };
  const before = g.rtbenchScenarioLoads ?? 0;
  try {
    const { searches } = await runSearch('test/fixtures/counted-loads.ts', { target: server.url, stdout: memOutput(), stderr: memOutput(), reporters: [] });
    const steps = searches[0]!.steps;
    assert.ok(steps.length >= 2, `a search of several steps (got ${steps.length})`);
    assert.deepEqual(
      steps.slice(0, 2).map((st) => st.rate),
      [4, 8],
    );
    for (const st of steps) {
      assert.ok((st.result.counters['sessions.started'] ?? 0) > 0, `step ${st.rate}/s ran sessions`);
      assert.equal(st.result.counters['sessions.failed'] ?? 0, 0);
    }
    assert.equal((g.rtbenchScenarioLoads ?? 0) - before, 1, 'the scenario file was evaluated once in this process (each step used to load it again)');
  } finally {
    await server.stop();
  }
});
