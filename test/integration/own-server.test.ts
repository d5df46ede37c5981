/**
 * rtbench against servers it did not write (examples/apps/): a Socket.IO chat app behind an auth
 * middleware, and a JSON-RPC 2.0 WebSocket app. rtbench's counts are compared with the apps' own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startChatApp, type ChatCounters } from '../../examples/apps/socketio-chat.ts';
import { startRpcApp } from '../../examples/apps/jsonrpc.ts';
import { run } from '../../src/run/run.ts';
import type { RunResult } from '../../src/result/types.ts';
import { memOutput } from './helpers.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'rtbench-own-'));

async function runAgainst(
  scenario: string,
  target: string,
  duration = '2s',
): Promise<{ exitCode: number; r: RunResult; stderr: string; stdout: string; out: string }> {
  const stderr = memOutput();
  const stdout = memOutput();
  const out = tmp();
  const o = await run(scenario, { target, duration, generators: 1, out, stdout, stderr });
  return { exitCode: o.exitCode, r: o.file.runs[0]!, stderr: stderr.text(), stdout: stdout.text(), out };
}

/**
 * The examples gate on latencies (p99 < 1 s) as well as on counts. On a machine shared with other
 * test runs a latency may miss its limit: then exit 99 is right, and only latency thresholds may
 * have failed. Every count and rate threshold must pass either way.
 */
function assertGateOnCounts(exitCode: number, r: RunResult): void {
  const failed = r.thresholds.filter((t) => !t.ok);
  assert.deepEqual(
    failed.filter((t) => t.unit !== 'ms'),
    [],
    'no count or rate threshold failed',
  );
  assert.equal(exitCode, failed.length === 0 ? 0 : 99, JSON.stringify(failed));
}

for (const [engine, scenario] of [
  ['socket.io', 'examples/socketio-chat.ts'],
  ['socket.io-lean', 'test/fixtures/chat-lean.ts'],
] as const) {
  test(`${engine}: the chat example through /chat (auth + x-tenant) matches the app's own counts`, async () => {
    const app = await startChatApp();
    try {
      // a 2 s phase of 40 VUs with ~4 s sessions: each VU runs one session
      const { exitCode, r, stderr } = await runAgainst(scenario, `${app.url}/chat?lang=fr`);
      assert.deepEqual(r.errors, {});
      assertGateOnCounts(exitCode, r);
      assert.match(stderr, new RegExp(`target ${app.url}/chat\\?lang=REDACTED resolves to 127\\.0\\.0\\.1:${app.port}`));
      const c = app.counters;
      assert.equal(c.defaultNamespace, 0, 'the namespace of --target was used, not /');
      assert.equal(c.refused, 0);
      assert.deepEqual(c.byLang, { fr: 40 }, "the target's query reached every handshake, beside auth and headers");
      assert.equal(r.counters['sessions.started'], 40);
      assert.equal(c.connections, r.counters['sessions.started']);
      assert.equal(r.metrics.connect!.count, c.connections);
      assert.equal(r.counters['sessions.completed'], 40);
      // acks: the app sent one per room:join and chat:send; rtbench timed each
      assert.equal(c.acks, 40 * 11);
      assert.equal(r.metrics.ack!.count, c.acks);
      assert.equal(r.metrics['ack:room:join']!.count, 40);
      assert.equal(r.metrics['ack:chat:send']!.count, c.messages);
      // deliveries: every chat:message the app fanned out was received (received = acks + deliveries)
      assert.ok(c.deliveries >= c.messages, `${c.deliveries} deliveries for ${c.messages} messages`);
      assert.equal(r.counters['messages.received']! - r.metrics.ack!.count, c.deliveries);
      // the app's own sentAt stamp, recorded with ctx.metrics: one fan-out sample and one `delivered` per delivery
      assert.equal(r.counters.delivered, c.deliveries);
      assert.equal(r.metrics.fanout!.count, c.deliveries);
      assert.ok(r.metrics.fanout!.max >= r.metrics.fanout!.p50);
      assert.deepEqual([r.counters['check:chat:send accepted.pass'], r.counters['checks.fail'] ?? 0], [c.messages, 0]);
      assert.equal(r.counters['messages.sent'], c.acks);
    } finally {
      await app.close();
    }
  });
}

for (const engine of ['socket.io', 'socket.io-lean'] as const) {
  test(`${engine}: automatic reconnection and reconnect() reuse the connect options (auth, header, query)`, async () => {
    const app = await startChatApp();
    process.env.RTBENCH_TEST_ENGINE = engine;
    try {
      const { exitCode, r } = await runAgainst('test/fixtures/chat-reconnect.ts', `${app.url}/chat`, '1s');
      const sessions = r.counters['sessions.started']!;
      assert.equal(sessions, 6);
      assert.deepEqual(Object.keys(r.errors), ['disconnected'], JSON.stringify(r.errors));
      assert.equal(app.counters.drops, sessions);
      assert.equal(r.errors.disconnected!.count, sessions);
      assert.equal(r.counters.recovered, sessions, 'each dropped client came back by itself');
      assert.equal(r.metrics.reconnect!.count, sessions);
      // three handshakes per client, all through the middleware with the same token, header and query
      assert.equal(app.counters.refused, 0);
      assert.equal(app.counters.connections, 3 * sessions);
      assert.deepEqual(app.counters.byLang, { de: 3 * sessions });
      assert.equal(r.counters['sessions.completed'], sessions);
      assert.equal(exitCode, 0);
    } finally {
      delete process.env.RTBENCH_TEST_ENGINE;
      await app.close();
    }
  });
}

test("a refused handshake (wrong token) is a connect_error with the app's message, and the run fails its gate (exit 99)", async () => {
  const app = await startChatApp();
  try {
    const { exitCode, r, stdout } = await runAgainst('test/fixtures/chat-wrong-token.ts', `${app.url}/chat`, '1s');
    assert.equal(app.counters.connections, 0);
    assert.ok(app.counters.refused >= 40, `${app.counters.refused} refused`);
    assert.deepEqual(Object.keys(r.errors), ['connect_error'], JSON.stringify(r.errors));
    assert.equal(r.errors.connect_error!.count, app.counters.refused);
    assert.equal(r.errors.connect_error!.sample, 'namespace /chat refused the connection: unauthorized');
    assert.deepEqual(r.errors.connect_error!.messages, [{ message: 'namespace /chat refused the connection: unauthorized', count: app.counters.refused }]);
    assert.equal(r.counters['sessions.failed'], r.counters['sessions.started']);
    assert.equal(r.counters['sessions.completed'] ?? 0, 0);
    assert.equal(exitCode, 99);
    const failed = r.thresholds.filter((t) => !t.ok).map((t) => t.subject);
    assert.ok(failed.includes('sessions.failedRate') && failed.includes('errors.rate'), failed.join(', '));
    assert.match(stdout, /FAIL sessions\.failedRate < 1%  \(100%\)/);
    assert.match(stdout, /connect_error ×\d+: namespace \/chat refused the connection: unauthorized/);
  } finally {
    await app.close();
  }
});

/** Runs test/fixtures/chat-gate.ts (async `connect`, a custom fan-out trend and checks) in `variant`. */
async function chatGate(variant: 'pass' | 'fail' | 'throw'): Promise<Awaited<ReturnType<typeof runAgainst>> & { app: ChatCounters }> {
  const app = await startChatApp();
  process.env.RTBENCH_TEST_GATE = variant;
  try {
    // `key` is a token: sent on every handshake, never shown
    return { ...(await runAgainst('test/fixtures/chat-gate.ts', `${app.url}/chat?key=k1-secret`, '1s')), app: app.counters };
  } finally {
    delete process.env.RTBENCH_TEST_GATE;
    await app.close();
  }
}

test('the chat app gated by a custom fan-out trend and a check: passes (exit 0) with an async connect whose auth reaches every handshake', async () => {
  const { exitCode, r, stdout, stderr, out, app } = await chatGate('pass');
  assert.equal(app.refused, 0, 'the awaited connect() result (auth + header) reached the middleware');
  assert.equal(app.connections, 6);
  assert.deepEqual(r.errors, {});
  assert.equal(r.counters['sessions.completed'], 6);
  assert.equal(r.metrics.fanout!.count, app.deliveries);
  assert.equal(r.counters['check:in my room.pass'], app.deliveries);
  assert.ok(app.deliveries >= 6 * 5, `${app.deliveries} deliveries`);
  assert.deepEqual(
    r.thresholds.filter((t) => !t.ok),
    [],
  );
  assert.equal(exitCode, 0, stdout);
  assert.match(stdout, /ok {3}fanout\.p99 < 60s/);
  assert.deepEqual(app.byKey, { 'k1-secret': 6 }, 'the query token reached every handshake');
  // …and appears nowhere rtbench shows: console, result, report
  assert.doesNotMatch(stdout + stderr, /k1-secret/);
  assert.match(stderr, /target http:\/\/127\.0\.0\.1:\d+\/chat\?key=REDACTED resolves to/);
  assert.equal(r.target.replace(/:\d+\//, ':P/'), 'http://127.0.0.1:P/chat?key=REDACTED');
  for (const f of ['result.json', 'report.html']) assert.doesNotMatch(readFileSync(join(out, f), 'utf8'), /k1-secret/, f);
});

test('the chat app gated by a custom fan-out trend and a check: fails (exit 99) naming the failed thresholds', async () => {
  const { exitCode, r, stdout, app } = await chatGate('fail');
  assert.equal(app.refused, 0);
  assert.deepEqual(r.errors, {});
  assert.equal(exitCode, 99);
  assert.deepEqual(
    r.thresholds
      .filter((t) => !t.ok)
      .map((t) => t.subject)
      .sort(),
    ['check:sent by me.failRate', 'fanout.count'],
  );
  assert.equal(r.thresholds.find((t) => t.subject === 'fanout.count')!.actual, app.deliveries);
  assert.ok((r.counters['check:sent by me.fail'] ?? 0) > 0);
  assert.match(stdout, /FAIL fanout\.count > 1000000/);
  assert.match(stdout, /FAIL check:sent by me\.failRate == 0/);
});

test('an async connect that rejects is a session_error naming its line; no handshake is made', async () => {
  const { exitCode, r, app } = await chatGate('throw');
  assert.equal(app.connections + app.refused, 0);
  assert.deepEqual(Object.keys(r.errors), ['session_error']);
  // a failed session ends at once and its VU starts another: every one failed at its connect()
  assert.ok(r.counters['sessions.started']! >= 6);
  assert.equal(r.counters['sessions.failed'], r.counters['sessions.started']);
  assert.equal(r.errors.session_error!.count, r.counters['sessions.started']);
  assert.match(r.errors.session_error!.sample, /login of user\d+ failed.*chat-gate\.ts:17/);
  assert.equal(exitCode, 99);
});

test("ws engine: the JSON-RPC example (query token + x-tenant header) matches the app's own counts", async () => {
  const app = await startRpcApp();
  try {
    const { exitCode, r, stderr, stdout } = await runAgainst('examples/jsonrpc.ts', app.url);
    assert.deepEqual(r.errors, {});
    assertGateOnCounts(exitCode, r);
    // a ws:// target is stated (console, result) as ws://, not as the http:// rtbench connects through
    assert.match(app.url, /^ws:\/\//);
    assert.equal(stderr.match(/ resolves to /g)?.length, 1, 'the address is stated once');
    assert.match(stderr, new RegExp(`rtbench: target ${app.url.replace(/[?]/g, '\\?')} resolves to 127\\.0\\.0\\.1:${app.port}\n`));
    assert.equal(r.target, app.url);
    // the app has no notion of rtbench's workers: the summary says so plainly, not as a fault
    assert.match(stdout, /\n  workers: not reported by the server \(it may emit `welcome`/);
    const c = app.counters;
    const sessions = r.counters['sessions.started']!;
    assert.ok(sessions >= 40);
    assert.equal(r.counters['sessions.completed'], sessions);
    assert.equal(c.connections, sessions);
    // the pre-run check's one upgrade carries the target's query, not the scenario's headers: the app refused it (no x-tenant)
    assert.equal(c.refused, 1);
    // requests: 1 subscribe + 10 add per session, each answered and timed as `request`
    assert.equal(c.requests, sessions * 11);
    assert.equal(c.errors, 0);
    assert.equal(r.metrics.request!.count, c.replies);
    assert.equal(r.metrics['request:add']!.count, sessions * 10);
    assert.equal(r.metrics['request:subscribe']!.count, sessions);
    // every incoming frame is counted, consumed or not: replies + tick notifications
    assert.equal(r.counters['messages.received'], c.replies + c.notificationsOut);
    assert.equal(c.notificationsOut, sessions * 5);
    assert.equal(r.metrics.tick!.count, c.notificationsOut, "each tick's delay from the app's sentAt, recorded with ctx.metrics");
    // every outgoing frame: requests + the one notification per session
    assert.equal(c.notificationsIn, sessions);
    assert.equal(r.counters['messages.sent'], c.frames);
  } finally {
    await app.close();
  }
});

test("ws engine: an upgrade refused with 401 is a connect_error carrying the app's status and body", async () => {
  const app = await startRpcApp();
  try {
    const { exitCode, r } = await runAgainst('test/fixtures/rpc-no-tenant.ts', app.url, '1s');
    assert.equal(app.counters.connections, 0);
    assert.ok(app.counters.refused >= 40);
    // every client's refusal, and the pre-run check's upgrade (refused too, not counted as a client's)
    assert.equal(r.errors.connect_error?.count, app.counters.refused - 1);
    assert.match(r.errors.connect_error!.sample, /handshake refused: HTTP 401 unauthorized \(upgrade at \/rpc\)$/);
    assert.notEqual(exitCode, 0);
  } finally {
    await app.close();
  }
});
