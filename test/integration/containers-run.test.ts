/**
 * `--runtime containers` end to end: the reference server built from the Dockerfile and run in
 * containers (single and lb:2 behind HAProxy), tiny-echo against it. Needs a container runtime;
 * the container definitions themselves are checked without one in test/unit/containers.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { containerRuntimeProblem } from '../../src/containers/runtime.ts';
import { run } from '../../src/run/run.ts';

// The test that starts containers needs a runtime; this machine (and CI here) has none.
const problem = await containerRuntimeProblem();
if (problem)
  console.log(`SKIP containers: no container runtime (${problem}); the container definitions are checked without one in test/unit/containers.test.ts`);

test('containers: --runtime containers runs tiny-echo against single and lb:2 in containers', {
  skip: problem ? `no container runtime: ${problem}` : false,
  timeout: 600_000,
}, async () => {
  for (const topology of ['single', 'lb:2']) {
    const out = mkdtempSync(join(tmpdir(), 'rtbench-containers-'));
    const outcome = await run('test/fixtures/tiny-echo.ts', { runtime: 'containers', topology, generators: 1, out, quiet: true });
    const r = outcome.file.runs[0]!;
    assert.equal(outcome.exitCode, 0, JSON.stringify(r.failure));
    assert.equal(r.counters['sessions.completed'], 20, topology);
    assert.equal(r.metrics['ack:echo']!.count, 100);
    if (topology === 'lb:2') assert.deepEqual(Object.keys(r.workers.connections).sort(), ['lb#0', 'lb#1']);
  }
});
