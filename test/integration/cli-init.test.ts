import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { startReferenceServer } from '../../reference-server/start.ts';

const BIN = new URL('../../bin/rtbench.js', import.meta.url).pathname;
const rtbench = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const project = (deps: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'rtbench-init-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: deps }));
  return dir;
};

test('rtbench init: detects ws from package.json, writes a scenario and a CI job, refuses to overwrite', () => {
  const dir = project({ ws: '^8.0.0' });
  try {
    const r = rtbench('init', '--dir', dir, '--url', 'http://127.0.0.1:4100');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /a ws starter \(detected from package\.json\)/);
    const scenario = readFileSync(join(dir, 'rtbench/smoke.ts'), 'utf8');
    assert.match(scenario, /engine: 'ws'/);
    assert.match(scenario, /thresholds: \{/);
    assert.match(scenario, /--target ws:\/\/127\.0\.0\.1:4100\//);
    const job = parseYaml(readFileSync(join(dir, '.github/workflows/rtbench.yml'), 'utf8')) as { jobs: { rtbench: { steps: Array<{ run?: string }> } } };
    const runStep = job.jobs.rtbench.steps.find((s) => s.run?.includes('rtbench run'))!;
    assert.match(runStep.run!, /rtbench run rtbench\/smoke\.ts --target ws:\/\/127\.0\.0\.1:4100\/ .*--junit/);
    // a second init: nothing overwritten, exit 2, the files named
    writeFileSync(join(dir, 'rtbench/smoke.ts'), '// mine\n');
    const again = rtbench('init', '--dir', dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /E_INIT/);
    assert.match(again.stderr, /smoke\.ts and .*rtbench\.yml/);
    assert.doesNotMatch(again.stderr, /\n\s+at /);
    assert.equal(readFileSync(join(dir, 'rtbench/smoke.ts'), 'utf8'), '// mine\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rtbench init: the Socket.IO starter (--target) runs against a server and passes its thresholds', async () => {
  const dir = project({});
  const server = await startReferenceServer({ topology: 'single' });
  try {
    const r = rtbench('init', '--dir', dir, '--target', 'socket.io');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /a socket\.io starter \(as asked\)/);
    // the starter as written, shortened: connects, holds, disconnects; its thresholds pass
    const out = join(dir, 'out');
    const run = rtbench('run', join(dir, 'rtbench/smoke.ts'), '--target', server.url, '--duration', '2s', '--generators', '1', '--quiet', '--out', out);
    assert.equal(run.code, 0, run.stderr);
    const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      runs: Array<{ thresholds: Array<{ subject: string; ok: boolean }>; metrics: { connect: { count: number } } }>;
    };
    assert.deepEqual(file.runs[0]!.thresholds.map((t) => [t.subject, t.ok]).sort(), [
      ['connect.p99', true],
      ['errors.rate', true],
      ['sessions.failedRate', true],
    ]);
    assert.equal(file.runs[0]!.metrics.connect.count, 40);
    const bad = rtbench('init', '--dir', dir, '--target', 'mqtt');
    assert.equal(bad.code, 2);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
