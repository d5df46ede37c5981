import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Every command here is a dry run or is refused before any load: nothing is started or connected.
const BIN = new URL('../../bin/rtbench.js', import.meta.url).pathname;
const rtbench = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const noStack = (s: string): void => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s) && !/internal error/.test(s), `no stack trace expected:\n${s}`);

test('run --find-max --dry-run: the search plan, exit 0; --duration without a unit refused (exit 2) with the fix', () => {
  const dry = rtbench('run', 'test/fixtures/capacity-echo.ts', '--find-max', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /capacity search planned, nothing connected or started/);
  assert.match(dry.stdout, /\n +search +from 20\/s, ×2 while steps hold/);
  assert.doesNotMatch(dry.stderr, /produced no run/);
  const bare = rtbench('run', 'test/fixtures/capacity-echo.ts', '--find-max', '--duration', '5', '--dry-run');
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /cannot run the capacity search \[E_USAGE\]\n +- `--duration` .*\(got 5\): it has no unit; write '5s' for seconds or '5ms' for milliseconds/);
  noStack(bare.stderr);
});

test('topology spelling and engine pairing: cluster:2:redis accepted, a Socket.IO engine on socketcluster:2 refused with the engines that fix it', () => {
  const redis = rtbench('run', 'test/fixtures/tiny-echo.ts', '--topology', 'cluster:2:redis', '--dry-run');
  assert.equal(redis.code, 0, redis.stderr);
  assert.match(redis.stdout, /the bundled reference server: cluster:2:redis/);
  const swapped = rtbench('run', 'test/fixtures/tiny-echo.ts', '--topology', 'cluster:2:redis:rr', '--dry-run');
  assert.equal(swapped.code, 2);
  assert.match(swapped.stderr, /invalid topology `cluster:2:redis:rr` \[E_UNKNOWN_TOPOLOGY\]\n +- the policy comes before the adapter: did you mean `cluster:2:rr:redis`\?/);
  const mismatch = rtbench('run', 'test/fixtures/tiny-echo.ts', '--topology', 'socketcluster:2', '--dry-run');
  assert.equal(mismatch.code, 2);
  assert.match(mismatch.stderr, /\[E_PROTOCOL_MISMATCH\]\n +- topology `socketcluster:2` speaks SocketCluster's protocol, and engine 'socket\.io' \(from `engine`\) does not/);
  assert.match(mismatch.stderr, /fix: set the engine per topology in the scenario: engines: \{ socketcluster: 'socketcluster' \}/);
  noStack(mismatch.stderr);
});
