import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, RunError } from '../../src/shared/errors.ts';
import { isLoopbackAddress } from '../../src/shared/net.ts';
import { resolveSourceIps } from '../../src/target/source-ips.ts';
import { checkReachable, describeTarget, parseTarget } from '../../src/target/target.ts';
import { runSourceIps } from '../../src/shard/run-shard.ts';
import net from 'node:net';

test('loopback detection', () => {
  for (const a of ['127.0.0.1', '127.5.6.7', '::1', '[::1]', '::ffff:127.0.0.2']) assert.ok(isLoopbackAddress(a), a);
  for (const a of ['10.0.0.1', '192.168.1.1', '::ffff:10.0.0.1', '8.8.8.8', 'fe80::1', 'localhost']) assert.ok(!isLoopbackAddress(a), a);
});

test('source addresses: a count gives distinct 127.x addresses, skipping .0 and .255', () => {
  const ips = resolveSourceIps(300, '127.0.0.1');
  assert.equal(ips.length, 300);
  assert.equal(new Set(ips).size, 300);
  assert.equal(ips[0], '127.0.0.2');
  assert.ok(!ips.some((ip) => ip.endsWith('.0') || ip.endsWith('.255')));
  assert.deepEqual(resolveSourceIps(16, '::1'), ['::1']);
  assert.throws(
    () => resolveSourceIps(['127.0.0.2', '10.1.1.1'], '127.0.0.1'),
    (e: unknown) => e instanceof InputError && /10\.1\.1\.1/.test(e.message),
  );
});

test('targets: loopback URLs connect to the address, keeping path and query', async () => {
  assert.deepEqual(await parseTarget('http://127.0.0.1:3000'), {
    url: 'http://127.0.0.1:3000',
    host: '127.0.0.1',
    port: 3000,
    loopback: true,
    pathname: '',
    search: '',
    connectUrl: 'http://127.0.0.1:3000',
    shownUrl: 'http://127.0.0.1:3000',
  });
  assert.equal((await parseTarget('ws://localhost:4000/ws')).port, 4000);
  assert.equal((await parseTarget('http://[::1]:5000')).url, 'http://[::1]:5000');
  const chat = await parseTarget('http://127.0.0.1:4120/chat/?tenant=acme');
  assert.equal(chat.pathname, '/chat', 'the namespace is kept, never dropped');
  assert.equal(chat.connectUrl, 'http://127.0.0.1:4120/chat?tenant=acme');
  await assert.rejects(parseTarget('not a url'), (e: unknown) => e instanceof InputError && e.code === 'E_TARGET_INVALID');
  await assert.rejects(parseTarget('ftp://127.0.0.1'), (e: unknown) => e instanceof InputError && e.code === 'E_TARGET_INVALID');
  await assert.rejects(
    parseTarget('http://user:pw@127.0.0.1:3000'),
    (e: unknown) => e instanceof InputError && e.code === 'E_TARGET_INVALID' && !e.message.includes('pw') && /connect: \{ auth/.test(e.hint ?? ''),
  );
});

test('remote targets are accepted (pure: the name lookup is injected, nothing is connected)', async () => {
  const t = await parseTarget('https://chat.example.test/chat', async (h) =>
    h === 'chat.example.test' ? '203.0.113.7' : Promise.reject(new Error('no such host')),
  );
  assert.deepEqual(t, {
    url: 'https://chat.example.test',
    host: '203.0.113.7',
    port: 443,
    loopback: false,
    pathname: '/chat',
    search: '',
    connectUrl: 'https://chat.example.test/chat',
    shownUrl: 'https://chat.example.test/chat',
  });
  assert.match(describeTarget(t), /target https:\/\/chat\.example\.test\/chat resolves to 203\.0\.113\.7:443 \(not loopback/);
  const ws = await parseTarget('wss://198.51.100.4:8443/rpc?v=2');
  assert.equal(ws.url, 'https://198.51.100.4:8443');
  assert.equal(ws.connectUrl, 'https://198.51.100.4:8443/rpc?v=2');
  // the console states the address in the scheme the user wrote: a ws(s):// target is not shown as http(s)://
  assert.equal(ws.shownUrl, 'wss://198.51.100.4:8443/rpc?v=REDACTED'); // every query value, unless --show-query names it
  assert.match(describeTarget(ws), /^rtbench: target wss:\/\/198\.51\.100\.4:8443\/rpc\?v=REDACTED resolves to 198\.51\.100\.4:8443 \(not loopback/);
  assert.match(
    describeTarget(await parseTarget('ws://localhost:4000/ws', async () => '127.0.0.1')),
    /^rtbench: target ws:\/\/127\.0\.0\.1:4000\/ws resolves to 127\.0\.0\.1:4000$/,
  );
  assert.equal((await parseTarget('http://10.0.0.5:3000')).loopback, false);
  await assert.rejects(
    parseTarget('http://nowhere.example.test', async () => Promise.reject(new Error('ENOTFOUND'))),
    (e: unknown) => e instanceof InputError && /does not resolve/.test(e.message),
  );
  // sourceIps spreads loopback targets only: a remote one binds no source address
  const plan = { shard: null, startAtWallMs: null };
  assert.deepEqual(runSourceIps(4, t, plan), ['']);
  assert.deepEqual(runSourceIps(2, await parseTarget('http://127.0.0.1:1'), plan), ['127.0.0.2', '127.0.0.3']);
});

test('an unreachable target fails fast, naming the URL', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const t0 = Date.now();
  const t = await parseTarget(`http://127.0.0.1:${port}`);
  await assert.rejects(
    checkReachable(t),
    (e: unknown) => e instanceof RunError && e.code === 'E_TARGET_UNREACHABLE' && e.message.includes(`127.0.0.1:${port}`),
  );
  assert.ok(Date.now() - t0 < 5000);
});

test('every query value of the target is redacted wherever the target is shown (console line, result, dry run), and still sent; --show-query names stay', async () => {
  const t = await parseTarget('ws://localhost:4000/rpc?key=k1&lang=fr&token=t2', async () => '127.0.0.1');
  assert.equal(t.shownUrl, 'ws://127.0.0.1:4000/rpc?key=REDACTED&lang=REDACTED&token=REDACTED');
  const shown = await parseTarget('ws://localhost:4000/rpc?key=k1&lang=fr&token=t2', async () => '127.0.0.1', new Set(['lang']));
  assert.equal(shown.shownUrl, 'ws://127.0.0.1:4000/rpc?key=REDACTED&lang=fr&token=REDACTED');
  assert.doesNotMatch(describeTarget(t), /k1|t2/);
  assert.equal(t.connectUrl, 'http://127.0.0.1:4000/rpc?key=k1&lang=fr&token=t2', 'the clients still send it');
  const { describePlan } = await import('../../src/run/dry-run.ts');
  const { validateScenario } = await import('../../src/scenario/validate.ts');
  const resolved = validateScenario({ name: 'x', engine: 'ws', phases: [{ duration: '1s', vus: 1 }], session: async () => {} }, 'x.ts');
  const text = describePlan({
    scenarioFile: 'x.ts',
    resolved: { ...resolved, path: '/rpc' },
    target: t,
    topologies: ['external'],
    generators: 1,
    sourceIps: ['127.0.0.1'],
    thresholds: [],
    connect: undefined,
  });
  assert.doesNotMatch(text, /k1|t2/);
  assert.match(text, /WebSocket +ws:\/\/127\.0\.0\.1:4000\/rpc\?key=REDACTED&lang=REDACTED&token=REDACTED \(path from --target\)/);
});
