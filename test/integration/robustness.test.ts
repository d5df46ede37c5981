/**
 * The harness never loses a run and says what went wrong: SIGINT/SIGTERM keep what was measured,
 * a crashed generator's figures are kept, and connect failures are classified with a fix.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { RunFile } from '../../src/result/types.ts';
import { startReferenceServer } from '../../reference-server/start.ts';
import { alive } from './helpers.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'rtbench-robust-'));
const rtbench = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/rtbench.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

/** Like `rtbench` but without blocking this process's event loop (for servers running in this process). */
function rtbenchAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/rtbench.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} mid-run: load stops, result.json and report.html are written with what was measured, marked interrupted, exit 130`, async () => {
    const out = tmp();
    const child = spawn(process.execPath, ['bin/rtbench.js', 'run', 'scenarios/echo.ts', '--out', out, '--generators', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // signal once load is flowing (a fixed sleep raced the start on a busy machine), at most 30 s
    const deadline = Date.now() + 30_000;
    while (!/msgs\/s [1-9]/.test(stdout + stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = Date.now();
    child.kill(signal);
    const code = await exited;
    assert.ok(Date.now() - t0 < 15_000, 'stops within seconds');
    assert.equal(code, 130, stdout);
    const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
    assert.equal(file.runs[0]!.status, 'interrupted');
    assert.ok(file.runs[0]!.metrics.ack!.count > 0, 'what was measured is kept');
    assert.ok(existsSync(join(out, 'report.html')));
    if (child.pid) assert.equal(alive(child.pid), false);
  });
}

test('a generator that crashes: its figures are kept; the run fails clearly (default) or goes on (--on-generator-crash continue)', () => {
  const outFail = tmp();
  const failed = rtbench(['run', 'test/fixtures/crash-generator.ts', '--out', outFail]);
  assert.equal(failed.status, 1, failed.stderr);
  assert.match(failed.stderr, /WARNING generator 1 \(pid \d+\) crashed \(exit code 3\)/);
  const f = JSON.parse(readFileSync(join(outFail, 'result.json'), 'utf8')) as RunFile;
  const r = f.runs[0]!;
  assert.equal(r.status, 'failed');
  assert.equal(r.failure!.code, 'E_GENERATOR');
  assert.equal(r.crashedGenerators!.length, 1);
  const withoutCrash = rtbench(['run', 'test/fixtures/crash-generator.ts', '--out', tmp()], { RTBENCH_NO_CRASH: '1' });
  assert.equal(withoutCrash.status, 0);
  // generator 1's figures are kept: the sessions it started are counted (those it had in flight as
  // lost: only it can have any), and its health from the reports it sent (the run now stops promptly
  // after the crash, so the totals are no longer compared with a full-length run)
  assert.ok((r.counters['sessions.lost'] ?? 0) > 0, JSON.stringify(r.counters));
  assert.ok(r.generator.processes.some((p) => p.index === 1 && p.crashed === true));
  assert.ok(r.metrics['ack:echo']!.count > 0);

  const goOn = rtbench(['run', 'test/fixtures/crash-generator.ts', '--out', tmp(), '--on-generator-crash', 'continue']);
  // the sessions the dead generator had in flight are lost, and a lost session is never a green run (exit 99)
  assert.equal(goOn.status, 99, goOn.stderr);
  assert.match(goOn.stdout, /GENERATOR CRASHED/);
  assert.match(goOn.stderr, /the run goes on/);
});

test('EMFILE: a generator out of file descriptors reports `emfile` with the ulimit hint', async () => {
  const server = await startReferenceServer({ topology: 'single' }); // outside the limit
  try {
    const out = tmp();
    // a soft limit of 80 fds for rtbench only: the generator opens a few dozen itself, then its clients run out
    const r = spawnSync(
      'bash',
      ['-c', `ulimit -n 80; exec "${process.execPath}" bin/rtbench.js run test/fixtures/hold-fds.ts --target ${server.url} --out ${out} --generators 1`],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const file = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunFile;
    const e = file.runs[0]!.errors.emfile;
    assert.ok(e && e.count > 0, `errors: ${JSON.stringify(file.runs[0]!.errors)} ${r.stderr.slice(-500)}`);
    assert.match(e.sample, /ulimit -n/);
  } finally {
    await server.stop();
  }
});

test('TLS: a target whose certificate is not trusted fails in seconds naming the URL and the fix', async (t) => {
  const dir = tmp();
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'],
    { stdio: 'ignore' },
  );
  const server = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_q, s) => s.end('hi'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t0 = Date.now();
  const r = await rtbenchAsync(['run', 'test/fixtures/tiny-echo.ts', '--target', url, '--out', tmp()]);
  assert.ok(Date.now() - t0 < 20_000);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /E_TLS/);
  assert.match(r.stderr, new RegExp(`TLS handshake with ${url.replace(/\./g, '\\.')} failed`));
  assert.match(r.stderr, /NODE_EXTRA_CA_CERTS/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('protocol mismatch: a Socket.IO v2 (Engine.IO v3) server is named as such, exit 2', async (t) => {
  // what a socket.io v2 server answers to a polling handshake: Engine.IO v3 length-prefixed framing
  const server = http.createServer((_q, s) => {
    s.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
    s.end('96:0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}2:40');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  const r = await rtbenchAsync(['run', 'test/fixtures/tiny-echo.ts', '--target', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--out', tmp()]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /E_PROTOCOL_MISMATCH/);
  assert.match(r.stderr, /Engine\.IO v3 \(a Socket\.IO v2 server\)/);
});

test('a hostile client cannot exhaust the reference server with one huge message', async () => {
  const server = await startReferenceServer({ topology: 'single' });
  try {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('40');
    ws.send(`42["echo","${'x'.repeat(50_000_000)}"]`); // 50 MB, 50x maxHttpBufferSize
    const code = await closed;
    assert.equal(code, 1009, 'closed as "message too big"');
    // the server is still there and still serves
    const r = await fetch(`${server.url}/__rtbench/health`);
    assert.equal(r.status, 200);
    assert.ok(alive(server.pid));
    const s = await server.stats();
    assert.ok(s.workers.length === 1);
  } finally {
    await server.stop();
  }
});
