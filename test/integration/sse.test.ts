/**
 * The `sse` engine and `client.stream()` against an SSE app (examples/apps/sse-feed.ts) whose
 * own counters are the truth: a feed that closes every stream after 1.5 s and honours
 * Last-Event-ID (nothing lost, resumed streams equal the app's count), token streams whose
 * `sse:first`/`sse:done` counts equal the app's completions, and failures counted by kind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSseApp } from '../../examples/apps/sse-feed.ts';
import { run } from '../../src/run/run.ts';
import { memOutput } from './helpers.ts';

async function runAgainst(scenario: string, target: string | undefined, duration: string) {
  const stderr = memOutput();
  const o = await run(scenario, {
    ...(target ? { target } : {}),
    duration,
    generators: 1,
    out: mkdtempSync(join(tmpdir(), 'rtbench-sse-')),
    stdout: memOutput(),
    stderr,
  });
  return { exitCode: o.exitCode, r: o.file.runs[0]!, stderr: stderr.text() };
}

test("sse: a feed closed every 1.5 s, resumed with Last-Event-ID: nothing lost, resumed streams equal the app's count; token streams counted as the app completed them", async () => {
  const app = await startSseApp({ tickMs: 50, retryMs: 200, closeAfterMs: 1500, tokenMs: 5 });
  try {
    const { exitCode, r } = await runAgainst('test/fixtures/sse-feed.ts', `${app.url}/events`, '1s');
    const c = app.counters;
    assert.deepEqual(r.errors, {}, 'a server ending its stream is a disconnect, not an error');
    assert.equal(exitCode, 0);
    const sessions = r.counters['sessions.completed']!;
    assert.equal(sessions, 10, 'one ~3.5 s session per VU');
    assert.equal(r.counters['sessions.failed'] ?? 0, 0);
    // every session crossed at least one close: the app saw the resumptions, and rtbench counted the same
    assert.ok(c.closedByServer >= sessions, `${c.closedByServer} closes`);
    assert.equal(c.fresh, sessions, 'one fresh stream per session');
    assert.equal(r.counters['recovery.resumed'], c.resumed);
    assert.equal(r.counters['recovery.fresh'] ?? 0, 0);
    assert.equal(r.counters.recovered, c.resumed);
    assert.equal(r.metrics.recovery!.count, c.resumed);
    assert.equal(r.counters.disconnects, c.closedByServer, 'each close the app made was a disconnect');
    assert.equal(r.metrics.connect!.count, c.fresh);
    // nothing lost, nothing twice: the app replayed what each client missed
    assert.equal(r.counters.tickGaps ?? 0, 0);
    assert.equal(r.counters.tickRepeats ?? 0, 0);
    assert.ok(r.counters.ticks! > sessions * 40, `${r.counters.ticks} ticks`);
    assert.ok(r.counters.ticks! <= c.ticksSent, 'never more than the app wrote');
    assert.ok(c.replayed > 0, 'some ticks were written while a client was away, and replayed');
    // `sequences` on the sse engine: the same ticks, counted by rtbench across the reconnections
    assert.equal(r.counters['seq:ticks.received'], r.counters.ticks, 'every tick the session saw, sequences saw');
    assert.equal(r.counters['seq:ticks.lost'] ?? 0, 0);
    assert.equal(r.counters['seq:ticks.duplicates'] ?? 0, 0);
    assert.equal(r.counters['seq:ticks.unreadable'] ?? 0, 0);
    assert.equal(r.metrics['seq:ticks']!.count, r.counters.ticks, "a delivery latency per tick, from the app's Date.now() stamp");
    assert.equal(r.counters['check:id is the seq.fail'] ?? 0, 0);
    assert.equal(r.counters['check:first tick parsed.pass'], sessions);
    // token streams: one sse:first and one sse:done per completion, one gap between consecutive events
    assert.equal(c.completions, sessions * 3);
    assert.equal(r.metrics['sse:first']!.count, c.completions);
    assert.equal(r.metrics['sse:done']!.count, c.completions);
    assert.equal(r.metrics['sse:gap']!.count, c.completions * 10, '11 events, 10 gaps per stream');
    assert.equal(r.counters['check:all tokens.pass'], c.completions);
    assert.ok(r.metrics['sse:done']!.p50 >= r.metrics['sse:first']!.p50);
  } finally {
    await app.close();
  }
});

test('sse: token-stream failures are counted by kind with samples (HTTP status, stream cut), matching the app', async () => {
  const app = await startSseApp({ tokenMs: 2 });
  try {
    const { r } = await runAgainst('test/fixtures/sse-errors.ts', app.url, '1s');
    const c = app.counters;
    const sessions = r.counters['sessions.completed']!;
    assert.ok(sessions >= 4);
    assert.equal(r.errors.http_error!.count, c.refused, '503s and 401s');
    assert.equal(c.refused, sessions * 2);
    assert.match(r.errors.http_error!.sample, /^POST \/v1\/chat answered HTTP (503|401): \{"error":"(overloaded|missing bearer token)"\}$/);
    assert.equal(r.errors.stream_cut!.count, c.cut);
    assert.equal(c.cut, sessions);
    assert.match(r.errors.stream_cut!.sample, /^POST \/v1\/chat: the connection broke before the stream ended (\(ECONNRESET\) )?\(3 events read\)$/);
    assert.deepEqual(Object.keys(r.errors).sort(), ['http_error', 'stream_cut']);
    assert.equal(r.counters['check:read to the end without until.pass'], sessions);
    assert.equal(r.metrics['sse:done']!.count, c.completions, 'only completed streams are timed to the end');
    assert.equal(c.completions, sessions);
  } finally {
    await app.close();
  }
});

test("sse: engine 'sse' without --target is refused before any load (the bundled server serves no SSE)", async () => {
  await assert.rejects(
    () => runAgainst('test/fixtures/sse-feed.ts', undefined, '1s'),
    (e: unknown) => e instanceof Error && /uses engine 'sse', and the bundled reference server serves no Server-Sent Events/.test(e.message),
  );
});

test('sse: a reconnection the server refuses (HTTP 503) ends it, as EventSource does: recovery.failed, a reconnect_failed sample; Last-Event-ID was the last id', async () => {
  const http = await import('node:http');
  const { SessionClient } = await import('../../src/clients/session-client.ts');
  const { loadEngine } = await import('../../src/clients/index.ts');
  const { FakeSink } = await import('../unit/fake-sink.ts');
  const { monoMs } = await import('../../src/shared/clock.ts');
  const seen: Array<string | undefined> = [];
  // written for this test: the first stream sends 2 events (ids 7, 8) and ends; every later GET is refused
  const srv = http.createServer((req, res) => {
    seen.push(req.headers['last-event-id'] as string | undefined);
    if (seen.length > 1) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('retry: 50\n\nid: 7\nevent: n\ndata: {"k":1}\n\nid: 8\nevent: n\ndata: plain text\n\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  const engine = await loadEngine('sse');
  const sink = new FakeSink();
  const policy = { attempts: 3, delayMs: 10, maxDelayMs: 100 };
  const c = new SessionClient(
    () => engine({ target: url, path: '/', localAddress: '127.0.0.1', transports: ['websocket'], reconnect: policy, connectTimeoutMs: 2000 }),
    sink,
    {
      id: 1,
      sourceAddress: '127.0.0.1',
      intendedStart: monoMs(),
      ackTimeoutMs: 2000,
      connectTimeoutMs: 2000,
      random: () => 0.5,
      reconnect: policy,
    },
  );
  try {
    const got: unknown[][] = [];
    c.on('n', (...a) => void got.push(a));
    await c.connect();
    for (let i = 0; i < 100 && !sink.counters.get('recovery.failed'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      got,
      [
        [{ k: 1 }, '7'],
        ['plain text', '8'],
      ],
      'data parsed as JSON when it parses; the id',
    );
    assert.deepEqual(seen, [undefined, '8'], 'the reconnection sent the last id');
    assert.equal(sink.counters.get('recovery.failed'), 1);
    assert.equal(sink.counters.get('disconnects'), 1);
    assert.equal(sink.counters.get('recovered') ?? 0, 0);
    const kinds = sink.errors.map(([k]) => k);
    assert.deepEqual(kinds, ['reconnect_failed'], 'the server ending its stream is no error; giving up is');
    assert.match(
      sink.errors[0]![1],
      /^gave up reconnecting: GET \/ answered HTTP 503: maintenance \(EventSource stops reconnecting on such an answer\) \(last disconnect: stream ended by the server\)$/,
    );
    assert.equal(c.connected, false);
    await new Promise((r) => setTimeout(r, 300)); // 6× the retry: a runaway loop would have asked again
    assert.equal(seen.length, 2, 'no request after the refusal');
    // a first connect refused (the same server now refuses every GET): a connect_error with the status and body, and nothing more
    const sink2 = new FakeSink();
    const c2 = new SessionClient(
      () => engine({ target: url, path: '/', localAddress: '127.0.0.1', transports: ['websocket'], reconnect: policy, connectTimeoutMs: 2000 }),
      sink2,
      {
        id: 2,
        sourceAddress: '127.0.0.1',
        intendedStart: monoMs(),
        ackTimeoutMs: 2000,
        connectTimeoutMs: 2000,
        random: () => 0.5,
        reconnect: policy,
      },
    );
    await assert.rejects(c2.connect(), /GET \/ answered HTTP 503: maintenance/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(seen.length, 3, 'one GET, no reconnection of a connect that never streamed');
    assert.deepEqual(
      sink2.errors.map(([k]) => k),
      ['connect_error'],
    );
    assert.equal(sink2.counters.get('disconnects') ?? 0, 0);
    await c2.disconnect();
  } finally {
    await c.disconnect();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});

test('sse: a dropped connection (socket destroyed mid-stream) is a disconnected error, and the stream resumes from its Last-Event-ID', async () => {
  const http = await import('node:http');
  const { SessionClient } = await import('../../src/clients/session-client.ts');
  const { loadEngine } = await import('../../src/clients/index.ts');
  const { FakeSink } = await import('../unit/fake-sink.ts');
  const { monoMs } = await import('../../src/shared/clock.ts');
  const seen: Array<string | undefined> = [];
  // written for this test: ids 1..3 then the socket is destroyed (no end of the response); a resumed GET gets 4..5 and stays open
  const srv = http.createServer((req, res) => {
    const last = req.headers['last-event-id'] as string | undefined;
    seen.push(last);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const from = last === undefined ? 1 : Number(last) + 1;
    const to = last === undefined ? 3 : 5;
    res.write('retry: 30\n\n');
    for (let i = from; i <= to; i++) res.write(`id: ${i}\ndata: {"seq":${i}}\n\n`);
    if (last === undefined) setTimeout(() => res.socket?.destroy(), 50);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  const engine = await loadEngine('sse');
  const sink = new FakeSink();
  const policy = { attempts: 3, delayMs: 10, maxDelayMs: 100 };
  const c = new SessionClient(
    () => engine({ target: url, path: '/', localAddress: '127.0.0.1', transports: ['websocket'], reconnect: policy, connectTimeoutMs: 2000 }),
    sink,
    {
      id: 1,
      sourceAddress: '127.0.0.1',
      intendedStart: monoMs(),
      ackTimeoutMs: 2000,
      connectTimeoutMs: 2000,
      random: () => 0.5,
      reconnect: policy,
    },
  );
  try {
    const seqs: number[] = [];
    c.on('message', (d) => void seqs.push((d as { seq: number }).seq));
    await c.connect();
    for (let i = 0; i < 100 && seqs.length < 5; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5], 'nothing lost, nothing twice: unnamed events are `message`');
    assert.deepEqual(seen, [undefined, '3']);
    assert.equal(sink.counters.get('disconnects'), 1);
    assert.equal(sink.counters.get('recovered'), 1);
    assert.equal(sink.of('recovery').length, 1);
    assert.equal(sink.errors.length, 1);
    assert.match(
      sink.errors.map(([k, m]) => `${k}: ${m}`)[0]!,
      /^disconnected: server closed the connection: the connection broke before the stream ended( \(ECONNRESET\))?$/,
    );
    assert.equal(c.connected, true);
  } finally {
    await c.disconnect();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
