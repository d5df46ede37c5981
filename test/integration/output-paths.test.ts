/**
 * Output paths (issue 23, item 1): every output path is created and probed for writing before the
 * first connection, so a bad one costs seconds, not a run; a write that fails after the load keeps
 * what it can (result.json first), names the path and the fix, leaves no temp files and exits 1.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunFile } from '../../src/result/types.ts';

const BIN = new URL('../../bin/rtbench.js', import.meta.url).pathname;

function rtbenchAsync(args: string[], timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

function assertNoStack(s: string): void {
  assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `no stack trace expected:\n${s}`);
  assert.doesNotMatch(s, /internal error/);
}

/** A loopback TCP listener that only counts the connections it is offered (any connection = the load began). */
async function countingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, connections: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

const bad: Array<{ name: string; args: (tmp: string) => string[]; path: RegExp }> = [
  // Node 20's recursive mkdir never settles under /proc: the old code ran the load, then hung for minutes
  { name: '--out /proc/xyz', args: () => ['--out', '/proc/xyz'], path: /\/proc\/xyz/ },
  { name: '--out /etc/hostname/sub (a file as a folder)', args: () => ['--out', '/etc/hostname/sub'], path: /\/etc\/hostname/ },
  { name: '--junit /etc/hostname/x.xml', args: (t) => ['--out', t, '--junit', '/etc/hostname/x.xml'], path: /\/etc\/hostname\/x\.xml/ },
  { name: '--summary-md /etc/hostname/s.md', args: (t) => ['--out', t, '--summary-md', '/etc/hostname/s.md'], path: /\/etc\/hostname\/s\.md/ },
  {
    name: '--output json=/etc/hostname/live.jsonl',
    args: (t) => ['--out', t, '--output', 'json=/etc/hostname/live.jsonl'],
    path: /\/etc\/hostname\/live\.jsonl/,
  },
  { name: '--junit naming an existing folder', args: (t) => ['--out', t, '--junit', t], path: /junit/ },
];

for (const b of bad) {
  test(`${b.name}: refused before the first connection, exit 2, names the path and the fix, no stack`, async () => {
    const server = await countingServer();
    const tmp = mkdtempSync(join(tmpdir(), 'rtbench-outpaths-'));
    try {
      const r = await rtbenchAsync(['run', 'test/fixtures/tiny-echo.ts', '--target', server.url, ...b.args(tmp)], 30_000);
      assert.equal(r.status, 2, `exit 2 expected:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, b.path);
      assert.match(r.stderr, /\[E_OUTPUT\]/);
      assert.match(r.stderr, /fix:/);
      assertNoStack(r.stderr);
      assert.equal(server.connections(), 0, 'no connection was made to the target');
      assert.ok(r.ms < 20_000, `refused within seconds (took ${r.ms} ms)`);
      assert.deepEqual(
        readdirSync(tmp).filter((f) => f.includes('.tmp') || f.includes('probe')),
        [],
        'no probe or temp file is left',
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      await server.close();
    }
  });
}

test('a nested --out that does not exist yet is created (and nothing else changes)', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rtbench-outpaths-'));
  try {
    const out = join(tmp, 'a', 'b', 'c');
    const r = await rtbenchAsync(['run', 'test/fixtures/tiny-echo.ts', '--out', out, '--junit', join(tmp, 'j', 'junit.xml'), '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['report.html', 'result.json']);
    assert.deepEqual(readdirSync(join(tmp, 'j')), ['junit.xml']);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** A tiny tmpfs (root only): result.json (~8 KB) fits, report.html (~90 KB) does not. */
function tinyTmpfs(kb: number): { dir: string; unmount: () => void } | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'rtbench-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir]);
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a full disk after the load: result.json kept, report.html named with the fix, no temp files, exit 1, no stack', async (t) => {
  const fs = tinyTmpfs(32);
  if (!fs) {
    // cannot exist here: mounting a filesystem needs root (CAP_SYS_ADMIN)
    process.stderr.write('\n*** SKIPPED: the full-disk test needs root to mount a 32 KB tmpfs ***\n\n');
    t.skip('needs root to mount a tmpfs');
    return;
  }
  try {
    const out = join(fs.dir, 'run');
    const junitDir = mkdtempSync(join(tmpdir(), 'rtbench-junit-'));
    const r = await rtbenchAsync(['run', 'test/fixtures/tiny-echo.ts', '--out', out, '--junit', join(junitDir, 'junit.xml')]);
    assert.equal(r.status, 1, `exit 1 expected:\n${r.stdout}\n${r.stderr}`);
    assertNoStack(r.stderr);
    assert.match(r.stderr, /report\.html/);
    assert.match(r.stderr, /ENOSPC|full/);
    assert.match(r.stderr, /fix:/);
    const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
    assert.ok(file.runs[0]!.metrics.ack!.count > 0, 'the measured result is kept');
    assert.ok(existsSync(join(junitDir, 'junit.xml')), 'the other outputs are still written');
    assert.deepEqual(readdirSync(out).sort(), ['result.json'], 'no temp file and no half report left behind');
    rmSync(junitDir, { recursive: true, force: true });
  } finally {
    fs.unmount();
  }
});

test('the output folder removed during the load: the write names the path, other outputs kept, exit 1, no stack', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rtbench-outpaths-'));
  try {
    const out = join(tmp, 'run');
    const md = join(tmp, 'summary.md');
    const pending = rtbenchAsync(['run', 'test/fixtures/tiny-echo.ts', '--out', out, '--summary-md', md, '--quiet']);
    // the folder exists as soon as it was probed (before the load); replace it with a file
    const deadline = Date.now() + 30_000;
    while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    rmSync(out, { recursive: true, force: true });
    spawnSync('sh', ['-c', `echo not-a-folder > '${out}'`]);
    const r = await pending;
    assert.equal(r.status, 1, `exit 1 expected:\n${r.stdout}\n${r.stderr}`);
    assertNoStack(r.stderr);
    assert.match(r.stderr, new RegExp(`${out.replace(/[/.]/g, '\\$&')}/result\\.json`));
    assert.match(r.stderr, /fix:/);
    assert.ok(existsSync(md), 'the Markdown summary elsewhere is still written');
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.endsWith('.tmp')),
      [],
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
