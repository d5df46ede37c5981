/**
 * Lost sessions (issue 23, item 5): the sessions a crashed generator had started and never finished
 * are counted (`sessions.lost`) and fail the default gate; the dead generator's CPU and loop figures
 * are kept; `--on-generator-crash fail` stops the run promptly instead of running to the end.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunFile, RunResult } from '../../src/result/types.ts';

function runCrash(extra: string[]): { status: number | null; stderr: string; r: RunResult; ms: number } {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-lost-'));
  try {
    const t0 = Date.now();
    const p = spawnSync(process.execPath, ['bin/rtbench.js', 'run', 'test/fixtures/crash-generator.ts', '--out', out, '--quiet', ...extra], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const ms = Date.now() - t0;
    const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
    return { status: p.status, stderr: p.stderr, r: file.runs[0]!, ms };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const n = (r: RunResult, k: string): number => r.counters[k] ?? 0;

test("--on-generator-crash continue: every started session is counted (lost ones too), the gate fails, the dead generator's figures are kept", () => {
  const { status, r, stderr } = runCrash(['--on-generator-crash', 'continue']);
  assert.equal(r.crashedGenerators?.length, 1, stderr);
  const lost = n(r, 'sessions.lost');
  assert.ok(lost > 0, `sessions the dead generator started and never finished are counted: ${JSON.stringify(r.counters)}`);
  assert.equal(
    n(r, 'sessions.started'),
    n(r, 'sessions.completed') + n(r, 'sessions.failed') + n(r, 'sessions.interrupted') + lost,
    'no session is counted nowhere',
  );
  const gate = r.thresholds.find((t) => t.subject === 'sessions.failedRate');
  assert.ok(gate && !gate.ok, `the default gate sees the lost sessions: ${JSON.stringify(gate)}`);
  assert.equal(status, 99, 'a run that lost sessions is not green');
  // both generators' CPU and loop figures: the dead one's from the per-second reports it sent
  const procs = r.generator.processes;
  assert.deepEqual(procs.map((p) => p.index).sort(), [0, 1]);
  const dead = procs.find((p) => p.index === 1)!;
  assert.equal(dead.crashed, true);
  assert.ok(Number.isFinite(dead.cpuMean) && Number.isFinite(dead.loopDelayP99) && dead.rssMaxMb > 0, JSON.stringify(dead));
});

test('--on-generator-crash fail (default): the run stops promptly after the crash, not at the end of its 4 s', () => {
  const { status, r, stderr } = runCrash([]);
  assert.equal(status, 1, stderr);
  assert.equal(r.status, 'failed');
  assert.equal(r.failure?.code, 'E_GENERATOR');
  // generator 1 dies 1.5 s after its first session's ack; the scenario lasts 4 s (+ graceful stop)
  assert.ok(r.durationMs < 3500, `stopped after ${r.durationMs} ms of a 4 s load`);
  assert.ok(n(r, 'sessions.lost') > 0, JSON.stringify(r.counters));
  assert.equal(n(r, 'sessions.started'), n(r, 'sessions.completed') + n(r, 'sessions.failed') + n(r, 'sessions.interrupted') + n(r, 'sessions.lost'));
});
