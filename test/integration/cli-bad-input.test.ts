import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';

const BIN = new URL('../../bin/rtbench.js', import.meta.url).pathname;

function rtbench(...args: string[]): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

function assertNoStack(s: string): void {
  assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `no stack trace expected:\n${s}`);
}

test('a missing scenario file: exit 2, names the file and the fix', () => {
  const r = rtbench('run', 'scenarios/nope.ts');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /scenario file not found: scenarios\/nope\.ts/);
  assert.match(r.stderr, /fix:/);
  assertNoStack(r.stderr);
  assert.ok(r.ms < 10_000);
});

test('a TypeScript syntax error: exit 2, names file and line', () => {
  const r = rtbench('run', 'test/fixtures/syntax-error.ts');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /syntax-error\.ts could not be loaded/);
  assert.match(r.stderr, /syntax-error\.ts:\d+/);
  assertNoStack(r.stderr);
});

test('two invalid fields: both reported, exit 2', () => {
  const r = rtbench('run', 'test/fixtures/two-invalid-fields.ts');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /two-invalid-fields\.ts has 2 problems/);
  assert.match(r.stderr, /`engine`/);
  assert.match(r.stderr, /`phases\[0\]\.duration`/);
  assertNoStack(r.stderr);
});

test('an unknown topology: exit 2, lists the known ones', () => {
  const r = rtbench('run', 'test/fixtures/tiny-echo.ts', '--topology', 'mesh:9');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown topology/);
  assert.match(r.stderr, /single/);
  assertNoStack(r.stderr);
});

test('a --target that refuses connections: exit 1 within seconds, names the URL', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const r = rtbench('run', 'test/fixtures/tiny-echo.ts', '--target', `http://127.0.0.1:${port}`);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`http://127\\.0\\.0\\.1:${port} is unreachable`));
  assertNoStack(r.stderr);
  assert.ok(r.ms < 10_000, `took ${r.ms}ms`);
});

test('a remote target is accepted: --dry-run plans, states the address once, and exits 0 without connecting', () => {
  const r = rtbench('run', 'test/fixtures/tiny-echo.ts', '--target', 'http://192.0.2.10:3000/chat', '--dry-run');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/resolves to 192\.0\.2\.10:3000/g)?.length, 1);
  assert.match(r.stdout, /dry run: planned, nothing connected or started/);
  assert.match(r.stdout, /namespace \/chat \(from --target\)/);
  assert.match(r.stdout, /this host's own address/);
});

test('usage errors exit 2; --help works on every command', () => {
  const bad = rtbench('run');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /scenario/);
  const flags = rtbench('run', 'x.ts', '--bogus');
  assert.equal(flags.code, 2);
  for (const args of [['--help'], ['run', '--help'], ['serve', '--help']]) {
    const r = rtbench(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /--help/);
  }
  assert.match(rtbench('run', '--help').stdout, /--target/);
  assert.match(rtbench('serve', '--help').stdout, /--topology/);
});

test('rtbench bench-hash prints the table; bad numbers exit 2', () => {
  const ok = rtbench('bench-hash', '--workers', '3', '--ips', '3000', '--ipv6');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ipv4-mapped/);
  assert.match(ok.stdout, /default .* uniform/);
  const bad = rtbench('bench-hash', '--workers', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /`--workers` must be 1\.\.1024/);
});

test('capacity is checked before starting: fd limit and port budget, with what to change', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  // the user chose 2 generators and 1 source address: refused before any load, with the fix
  const r = rtbench('run', 'test/fixtures/huge-vus.ts', '--generators', '2', '--target', `http://127.0.0.1:${port}`);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /E_LIMITS/);
  assert.match(r.stderr, /60000 clients over 2 generator\(s\) would pass the \d+ open files a process may hold.*--generators \d+/);
  assert.match(r.stderr, /60000 clients over 1 source address\(es\) would exhaust the ~\d+ ephemeral ports per address: set `sourceIps: \d+`/);
});
