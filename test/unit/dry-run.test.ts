import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { memOutput } from '../integration/helpers.ts';

test('--dry-run plans, resolves and prints, and opens no connection to the target', async () => {
  let connections = 0;
  const srv = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  try {
    const stdout = memOutput();
    const stderr = memOutput();
    const o = await run('examples/socketio-chat.ts', { target: `http://127.0.0.1:${port}/chat?v=1`, dryRun: true, generators: 1, stdout, stderr });
    assert.equal(o.exitCode, 0);
    assert.deepEqual(o.file.runs, []);
    assert.match(stderr.text(), new RegExp(`target http://127\\.0\\.0\\.1:${port}/chat\\?v=REDACTED resolves to 127\\.0\\.0\\.1:${port}\\n`));
    const plan = stdout.text();
    assert.match(plan, /namespace \/chat \(from --target\)/);
    assert.match(plan, /connect +per client: a function of ctx/);
    assert.match(plan, /phase 1 +phase 1: 20s, 40 VUs/);
    assert.match(plan, /8 loopback addresses \(127\.0\.0\.2, 127\.0\.0\.3, 127\.0\.0\.4, …\)/);
    assert.match(plan, /ack:chat:send\.p99 < 1s/);
    assert.match(plan, /sessions +one session\n +metrics +fanout \(trend\), delivered \(counter\)\n/);
    // a remote target too (an address from TEST-NET-3: never reachable, never tried)
    const remote = await run('examples/jsonrpc.ts', { target: 'wss://203.0.113.9/rpc', dryRun: true, generators: 1, stdout: memOutput(), stderr: memOutput() });
    assert.equal(remote.exitCode, 0);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(connections, 0);
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
});

test('a scenario that needs a target says which URL to pass: ws:// for the ws engine', async () => {
  const { resolvePlan } = await import('../../src/plan/plan.ts');
  const hint = async (file: string): Promise<string | undefined> =>
    resolvePlan(file, {}, () => {}).then(
      () => undefined,
      (e: { code?: string; hint?: string }) => `${e.code} ${e.hint}`,
    );
  assert.equal(await hint('examples/jsonrpc.ts'), 'E_USAGE pass --target ws://127.0.0.1:PORT/PATH');
  assert.equal(await hint('examples/socketio-chat.ts'), 'E_USAGE pass --target http://127.0.0.1:PORT');
});

test("--dry-run prints the plan's thresholds (default gate included); a shard's are left to `rtbench merge`", async () => {
  const whole = memOutput();
  await run('test/fixtures/tiny-echo.ts', { dryRun: true, generators: 1, stdout: whole, stderr: memOutput() });
  assert.match(whole.text(), /thresholds +sessions\.failedRate < 1%\n/);
  const shard = memOutput();
  await run('test/fixtures/tiny-echo.ts', { dryRun: true, generators: 1, shard: '0/2', target: 'http://127.0.0.1:9', stdout: shard, stderr: memOutput() }); // dry: never connected
  assert.match(shard.text(), /thresholds +evaluated by `rtbench merge` on the merged shards\n/);
});

test('--dry-run prints the engine of each topology when `engines` gives them different ones', async () => {
  const out = memOutput();
  const o = await run('scenarios/channels.ts', { dryRun: true, generators: 1, stdout: out, stderr: memOutput() });
  assert.equal(o.exitCode, 0);
  assert.match(out.text(), /\n +engine +socket\.io-lean on single, cluster:2; socketcluster on socketcluster:2\n/);
  const one = memOutput();
  await run('scenarios/channels.ts', { dryRun: true, generators: 1, topology: 'socketcluster:2', stdout: one, stderr: memOutput() });
  assert.match(one.text(), /\n +engine +socketcluster\n/);
});
