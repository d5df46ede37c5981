/**
 * A Socket.IO app built with socket.io-msgpack-parser (examples/apps/socketio-msgpack.ts), driven
 * on both Socket.IO engines with `connect: { parser: 'msgpack' }`: binary payloads come back
 * intact and rtbench's counts equal the app's. Without `parser`, every connect fails fast with a
 * sample that names the option.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startMsgpackApp } from '../../examples/apps/socketio-msgpack.ts';
import { run } from '../../src/run/run.ts';
import { memOutput } from './helpers.ts';

async function runAgainst(scenario: string, target: string, duration: string) {
  const stderr = memOutput();
  const o = await run(scenario, { target, duration, generators: 1, out: mkdtempSync(join(tmpdir(), 'rtbench-msgpack-')), stdout: memOutput(), stderr });
  return { exitCode: o.exitCode, r: o.file.runs[0]!, stderr: stderr.text() };
}

for (const [engine, scenario] of [
  ['socket.io', 'examples/socketio-msgpack.ts'],
  ['socket.io-lean', 'test/fixtures/msgpack-lean.ts'],
  ['socket.io (parser module)', 'test/fixtures/msgpack-module.ts'],
] as const) {
  test(`${engine}: parser 'msgpack' against a socket.io-msgpack-parser app: binary intact, counts equal the app's`, async () => {
    const app = await startMsgpackApp();
    try {
      // 20 VUs in a 2 s phase; each session takes ~1.5 s, so each VU runs 1 or 2 sessions
      const { r } = await runAgainst(scenario, app.url, '2s');
      assert.deepEqual(r.errors, {});
      const c = app.counters;
      const sessions = r.counters['sessions.completed']!;
      assert.ok(sessions >= 20, `${sessions} sessions`);
      assert.equal(r.counters['sessions.failed'] ?? 0, 0);
      assert.equal(c.connections, r.counters['sessions.started']);
      assert.equal(r.metrics.connect!.count, c.connections);
      // every ack the app sent was timed, each kind on its own
      assert.equal(r.metrics['ack:echo']!.count, c.echoes);
      assert.equal(c.echoes, sessions * 10);
      assert.equal(r.metrics['ack:blob']!.count, c.blobs);
      assert.equal(c.blobBytes, c.blobs * 4096);
      assert.equal(r.metrics['ack:frame']!.count, sessions);
      // binary both ways, byte for byte: the checks compare what came back with what was sent
      assert.equal(r.counters['check:echo intact.pass'], c.echoes);
      assert.equal(r.counters['check:blob checksum.pass'], c.blobs);
      assert.equal(r.counters['check:frames pushed.pass'], sessions);
      assert.equal(r.counters['checks.fail'] ?? 0, 0);
      // received = acks + pushed frames
      assert.equal(r.counters['messages.received'], r.metrics.ack!.count + c.frames);
    } finally {
      await app.close();
    }
  });

  if (engine === 'socket.io (parser module)') continue;
  test(`${engine}: the same app without \`parser\`: every connect fails within the connect timeout, naming the parser option`, async () => {
    const app = await startMsgpackApp();
    process.env.RTBENCH_TEST_ENGINE = engine;
    try {
      const started = Date.now();
      const { exitCode, r } = await runAgainst('test/fixtures/msgpack-no-parser.ts', app.url, '1s');
      assert.ok(Date.now() - started < 15_000, 'well within the run plus the 3 s connect timeout');
      assert.notEqual(exitCode, 0, 'a run whose every session failed is not green');
      assert.equal(r.counters['sessions.completed'] ?? 0, 0);
      const kinds = Object.keys(r.errors);
      assert.ok(kinds.length > 0);
      const samples = kinds.flatMap((k) => [r.errors[k]!.sample, ...(r.errors[k]!.messages ?? []).map((m) => m.message)]).join('\n');
      assert.match(samples, /Engine\.IO handshake answered, Socket\.IO CONNECT \(namespace \/\) not: a packet parser mismatch/);
      assert.match(samples, /parser: 'msgpack'/);
      assert.equal(app.counters.connections, 0, 'the app admitted no socket');
    } finally {
      delete process.env.RTBENCH_TEST_ENGINE;
      await app.close();
    }
  });
}

test('a server that answers the Engine.IO handshake and then stays silent: connect_timeout on both engines, the sample names the parser option', async () => {
  const { WebSocketServer } = await import('ws');
  const { loadEngine } = await import('../../src/clients/index.ts');
  // written for this test: Engine.IO's open packet, then nothing (a CONNECT it cannot read, ignored)
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let frames = 0;
  wss.on('connection', (ws) => {
    ws.send('0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    ws.on('message', () => void frames++);
  });
  const target = `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
  try {
    for (const engine of ['socket.io', 'socket.io-lean'] as const) {
      const t = (await loadEngine(engine))({ target, path: '/socket.io', localAddress: '127.0.0.1', transports: ['websocket'] });
      t.onEvent(() => {});
      t.onDisconnect(() => {});
      const started = Date.now();
      await assert.rejects(t.connect(1500), (e: unknown) => {
        const err = e as { kind?: string; message?: string };
        assert.equal(err.kind, 'connect_timeout', engine);
        assert.match(
          err.message!,
          /^Engine\.IO handshake answered, Socket\.IO CONNECT \(namespace \/\) not: a packet parser mismatch\? set `connect: \{ parser: 'msgpack' \}`/,
        );
        assert.match(err.message!, /\(no reply within 1500ms\)$/);
        return true;
      });
      const took = Date.now() - started;
      assert.ok(took >= 1400 && took < 5000, `${engine}: failed after ${took} ms, at its 1.5 s connect timeout`);
      t.close();
    }
    assert.ok(frames >= 2, 'each engine sent its CONNECT');
  } finally {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
});
