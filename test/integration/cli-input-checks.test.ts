import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { failedGateLine } from '../../src/reporters/verdict-line.ts';
import type { RunFile } from '../../src/result/types.ts';

const BIN = new URL('../../bin/rtbench.js', import.meta.url).pathname;
const rtbench = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const noStack = (s: string): void => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s) && !/internal error/.test(s), `no stack trace expected:\n${s}`);

test('a duration without a unit is refused with the fix, in a flag and in the scenario', () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-checks-'));
  try {
    const r = rtbench('run', 'test/fixtures/tiny-echo.ts', '--duration', '5', '--out', out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /`--duration` .*\(got 5\): it has no unit; write '5s' for seconds or '5ms' for milliseconds/);
    noStack(r.stderr);
    assert.throws(() => readFileSync(join(out, 'result.json')), 'no load was run');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('scenario typos, all at once before any load: unknown field, threshold metric, server option, unit', () => {
  const r = rtbench('run', 'test/fixtures/typos.ts');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /typos\.ts has 4 problems/);
  assert.match(r.stderr, /`ackTimout` is not a scenario field \(did you mean `ackTimeout`\?\)/);
  assert.match(r.stderr, /`server\.pushRat` is not a server option \(did you mean `pushRate`\?\)/);
  assert.match(r.stderr, /`thresholds\['broadcst\.p99'\]` names `broadcst` \(did you mean `broadcast`\?\)/);
  assert.match(r.stderr, /`gracefulStop` .*'5s'/);
  assert.doesNotMatch(r.stderr, /ack:echo\.p99|connect\.p95/, 'per-event and built-in metrics are known');
  noStack(r.stderr);
});

test('serve: a port out of range or in use is E_PORT, exit 2, no stack trace', async () => {
  const range = rtbench('serve', '--port', '99999');
  assert.equal(range.code, 2);
  assert.match(range.stderr, /`--port 99999` is not a TCP port \[E_PORT\]/);
  noStack(range.stderr);
  const word = rtbench('serve', '--port', 'abc');
  assert.equal(word.code, 2);
  assert.match(word.stderr, /`--port abc` is not a TCP port \[E_PORT\]/, 'the port as typed, not NaN');
  // an address that is not this machine's (binding it fails locally: no packet leaves), with port 0 too
  const foreign = rtbench('serve', '--host', '192.0.2.7', '--port', '0');
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /`--host 192\.0\.2\.7` is not an address of this machine/);
  assert.match(foreign.stderr, /bind an address of this machine/);
  noStack(foreign.stderr);
  const held = net.createServer();
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  try {
    const port = (held.address() as net.AddressInfo).port;
    const busy = rtbench('serve', '--port', String(port));
    assert.equal(busy.code, 2);
    assert.match(busy.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use by another process \\[E_PORT\\]`));
    assert.match(busy.stderr, /pick another `--port`/);
    noStack(busy.stderr);
  } finally {
    held.close();
  }
});

test('--quiet with a failed gate still prints the one-line verdict (exit 99)', () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-checks-'));
  try {
    const r = rtbench('run', 'test/fixtures/gated.ts', '--quiet', '--generators', '1', '--out', out);
    assert.equal(r.code, 99);
    assert.equal(r.stdout, '', 'nothing else on stdout');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^rtbench: thresholds FAILED for gated: ack:echo\.p95 < 0\.001ms \(got [\d.]+ms\); broadcast\.p99 < 100ms \(got no value\)$/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('failedGateLine: null when every threshold passed; topologies named when several', () => {
  const run = (topology: string, ok: boolean): RunFile['runs'][number] =>
    ({ topology, thresholds: [{ subject: 'ack.p99', condition: '< 5ms', actual: 7.25, ok, abortOnFail: false }] }) as unknown as RunFile['runs'][number];
  const file = (runs: RunFile['runs']): RunFile => ({ scenario: { name: 's' }, runs }) as unknown as RunFile;
  assert.equal(failedGateLine(file([run('single', true)])), null);
  assert.equal(
    failedGateLine(file([run('single', true), run('cluster:2', false)])),
    'rtbench: thresholds FAILED for s: [cluster:2] ack.p99 < 5ms (got 7.25ms)',
  );
});

test('ab writes --junit and --summary-md as compare does', async () => {
  const { startReferenceServer } = await import('../../reference-server/start.ts');
  const server = await startReferenceServer({ topology: 'single' });
  const out = mkdtempSync(join(tmpdir(), 'rtbench-ab-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'ab',
        'test/fixtures/tiny-echo.ts',
        '--target-a',
        server.url,
        '--target-b',
        server.url,
        '--rounds',
        '3',
        '--duration',
        '1s',
        '--generators',
        '1',
        '--max',
        'p99=+500%',
        '--out',
        out,
        '--junit',
        join(out, 'ab.xml'),
        '--summary-md',
        join(out, 'ab.md'),
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const xml = readFileSync(join(out, 'ab.xml'), 'utf8');
    assert.match(xml, /<testsuite name="ab test\/fixtures\/tiny-echo\.ts"/);
    assert.match(xml, /<testcase classname="rtbench\.compare\.ab" name="[^"]*p99[^"]*within 500%"/);
    assert.match(readFileSync(join(out, 'ab.md'), 'utf8'), /^## rtbench ab: test\/fixtures\/tiny-echo\.ts[\s\S]*\| ✅ \| ab \|/);
  } finally {
    await server.stop();
    rmSync(out, { recursive: true, force: true });
  }
});

test('help wraps at the terminal width between words', () => {
  for (const columns of [60, 100]) {
    const r = spawnSync(process.execPath, ['-e', `process.stdout.columns = ${columns}; import(${JSON.stringify(BIN)})`, 'rtbench', '--help'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    // (node -e: process.argv is [node, 'rtbench', '--help'], as the bin expects)
    const text = r.stdout;
    assert.match(text, /Commands:/, r.stderr);
    for (const line of text.split('\n')) assert.ok(line.length <= columns, `line within ${columns} columns: ${JSON.stringify(line)}`);
    const words = text.replace(/\s+/g, ' ');
    for (const w of ['scatter', 'reference', 'comparison', 'Kubernetes', 'interleaved'])
      assert.ok(new RegExp(`\\b${w}\\b`, 'i').test(words), `"${w}" is not cut across lines (${columns} columns)`);
  }
});

test('an unknown flag or command gets the nearest one', () => {
  const flag = rtbench('run', 'test/fixtures/tiny-echo.ts', '--durration', '5s');
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /Unknown argument: durration \(did you mean: `durration` → --duration\?\)/);
  assert.match(flag.stderr, /see `rtbench run --help`/);
  const command = rtbench('rn', 'x.ts');
  assert.equal(command.code, 2);
  assert.match(command.stderr, /`rn` → run\?/);
});

// dry runs, or refused before any load: nothing is started or connected
test('run --find-max --dry-run: the search plan, exit 0; --duration without a unit refused (exit 2) with the fix', () => {
  const dry = rtbench('run', 'test/fixtures/capacity-echo.ts', '--find-max', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /capacity search planned, nothing connected or started/);
  assert.match(dry.stdout, /\n +search +from 20\/s, ×2 while steps hold/);
  assert.doesNotMatch(dry.stderr, /produced no run/);
  const bare = rtbench('run', 'test/fixtures/capacity-echo.ts', '--find-max', '--duration', '5', '--dry-run');
  assert.equal(bare.code, 2);
  assert.match(
    bare.stderr,
    /cannot run the capacity search \[E_USAGE\]\n +- `--duration` .*\(got 5\): it has no unit; write '5s' for seconds or '5ms' for milliseconds/,
  );
  noStack(bare.stderr);
});

test('topology spelling and engine pairing: cluster:2:redis accepted, a Socket.IO engine on socketcluster:2 refused with the engines that fix it', () => {
  const redis = rtbench('run', 'test/fixtures/tiny-echo.ts', '--topology', 'cluster:2:redis', '--dry-run');
  assert.equal(redis.code, 0, redis.stderr);
  assert.match(redis.stdout, /the bundled reference server: cluster:2:redis/);
  const swapped = rtbench('run', 'test/fixtures/tiny-echo.ts', '--topology', 'cluster:2:redis:rr', '--dry-run');
  assert.equal(swapped.code, 2);
  assert.match(
    swapped.stderr,
    /invalid topology `cluster:2:redis:rr` \[E_UNKNOWN_TOPOLOGY\]\n +- the policy comes before the adapter: did you mean `cluster:2:rr:redis`\?/,
  );
  const mismatch = rtbench('run', 'test/fixtures/tiny-echo.ts', '--topology', 'socketcluster:2', '--dry-run');
  assert.equal(mismatch.code, 2);
  assert.match(
    mismatch.stderr,
    /\[E_PROTOCOL_MISMATCH\]\n +- topology `socketcluster:2` speaks SocketCluster's protocol, and engine 'socket\.io' \(from `engine`\) does not/,
  );
  assert.match(mismatch.stderr, /fix: set the engine per topology in the scenario: engines: \{ socketcluster: 'socketcluster' \}/);
  noStack(mismatch.stderr);
});
