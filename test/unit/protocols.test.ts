/**
 * Issue 22's inputs and codecs without a network: `connect.parser` and `connect.path` checks, the
 * `sse` engine's scenario rules, the lean engine's MessagePack codec against socket.io-msgpack-parser's
 * own Encoder/Decoder (the server's side), and SSE data parsing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { connectProblems, mergeConnect, resolveConnect, targetParts } from '../../src/clients/connect-options.ts';
import { msgpackCodec } from '../../src/clients/lean/msgpack.ts';
import { parseData } from '../../src/clients/sse-http.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { InputError } from '../../src/shared/errors.ts';

const base = { name: 'x', phases: [{ duration: '1s', vus: 1 }], session: async () => {} };
const details = (f: () => unknown): readonly string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.details;
    throw e;
  }
  assert.fail('no InputError');
};

test("connect.parser: 'msgpack' on both Socket.IO engines, a module on engine socket.io; anything else is a clear error", () => {
  assert.deepEqual(connectProblems({ parser: 'msgpack' }, 'connect', 'socket.io'), []);
  assert.deepEqual(connectProblems({ parser: 'msgpack' }, 'connect', 'socket.io-lean'), []);
  assert.deepEqual(connectProblems({ parser: msgpackParser }, 'connect', 'socket.io'), []);
  const protobuf = connectProblems({ parser: 'protobuf' }, 'connect', 'socket.io');
  assert.equal(protobuf.length, 1);
  assert.match(
    protobuf[0]!,
    /^`connect.parser` must be 'msgpack' \(socket.io-msgpack-parser's MessagePack\), or a socket.io-parser-compatible module .* \(got "protobuf"\)$/,
  );
  assert.match(
    connectProblems({ parser: msgpackParser }, 'connect', 'socket.io-lean')[0]!,
    /engine 'socket.io-lean' decodes packets itself and knows only 'msgpack': use engine 'socket.io' for a parser module/,
  );
  assert.match(connectProblems({ parser: { Encoder: 1 } }, 'connect', 'socket.io')[0]!, /must be 'msgpack'/);
  assert.match(
    connectProblems({ parser: 'msgpack' }, 'connect', 'ws')[0]!,
    /`connect.parser` is a Socket.IO option \(the packet parser\): engine 'ws' has none/,
  );
  assert.match(connectProblems({ parser: 'msgpack' }, 'connect', 'sse')[0]!, /engine 'sse' has none/);
  // before any load: a scenario with parser 'protobuf' is refused with the field named
  assert.ok(
    details(() => validateScenario({ ...base, connect: { parser: 'protobuf' } }, 's.ts')).some((d) => d.startsWith("`connect.parser` must be 'msgpack'")),
  );
  // resolved and merged: the call's parser wins
  assert.equal(mergeConnect({ parser: 'msgpack' }, { query: { a: 1 } }).parser, 'msgpack');
  assert.equal(resolveConnect({ parser: 'msgpack' }, targetParts('http://127.0.0.1:1'), 'socket.io-lean').parser, 'msgpack');
  assert.throws(
    () => resolveConnect({ parser: 'protobuf' as never }, targetParts('http://127.0.0.1:1'), 'socket.io-lean'),
    /`connect.parser` must be 'msgpack'/,
  );
});

test("engine 'sse': connect.path (sse only, starts with /), no long-polling, reconnects by default as EventSource", () => {
  assert.deepEqual(connectProblems({ path: '/events', query: { a: 1 }, headers: { authorization: 'Bearer x' } }, 'connect', 'sse'), []);
  assert.match(connectProblems({ path: 'events' }, 'connect', 'sse')[0]!, /`connect.path` must be a path starting with '\/', e.g. '\/events'/);
  assert.match(connectProblems({ path: '/x' }, 'connect', 'socket.io')[0]!, /`connect.path` is the event stream's path of engine 'sse'/);
  assert.match(connectProblems({ namespace: '/x' }, 'connect', 'sse')[0]!, /`connect.namespace` is a Socket.IO option/);
  const s = validateScenario({ ...base, engine: 'sse' }, 's.ts');
  assert.equal(s.path, '/');
  assert.ok(s.reconnect !== null, 'on by default');
  assert.equal(validateScenario({ ...base, engine: 'sse', reconnect: false }, 's.ts').reconnect, null);
  assert.equal(validateScenario({ ...base, engine: 'ws' }, 's.ts').reconnect, null, 'other engines: off by default, as before');
  assert.ok(details(() => validateScenario({ ...base, engine: 'sse', transports: ['polling'] }, 's.ts')).some((d) => d.includes("with engine 'sse'")));
  assert.ok(
    details(() => validateScenario({ ...base, engine: 'sse', protocol: 'raw' }, 's.ts')).some((d) => d.includes("`protocol: 'raw'` is for engine 'ws'")),
  );
});

test("lean MessagePack codec speaks socket.io-msgpack-parser's format both ways (binary as Buffers, undefined, nested)", () => {
  const c = msgpackCodec();
  const enc = new msgpackParser.Encoder();
  const [bytes] = enc.encode({
    type: 2,
    nsp: '/chat',
    data: ['echo', Buffer.from([1, 2, 3]), { u: undefined, n: null, ab: new Uint8Array([9, 8]).buffer, d: 1.5, list: [Buffer.from('hi')] }],
    id: 7,
  }) as unknown as [Uint8Array];
  const p = c.decode(bytes);
  assert.ok(p.type !== -1);
  assert.equal(p.type, 2);
  assert.equal(p.nsp, '/chat');
  assert.equal(p.id, 7);
  const [name, buf, obj] = p.data as [string, Buffer, { u: unknown; n: unknown; ab: ArrayBuffer; d: number; list: Buffer[] }];
  assert.equal(name, 'echo');
  assert.ok(Buffer.isBuffer(buf) && buf.equals(Buffer.from([1, 2, 3])));
  assert.equal(obj.u, undefined);
  assert.equal(obj.n, null);
  assert.deepEqual([...new Uint8Array(obj.ab)], [9, 8]);
  assert.equal(obj.d, 1.5);
  assert.ok(Buffer.isBuffer(obj.list[0]) && obj.list[0].toString() === 'hi');
  // what the lean engine sends, as the server's decoder reads it
  const dec = new msgpackParser.Decoder();
  const seen: unknown[] = [];
  dec.on('decoded', (x: unknown) => seen.push(x));
  dec.add(Buffer.from(c.encode(2, '/', 3, ['x', Buffer.from([4, 5]), new Uint16Array([1, 2]), { a: undefined, b: 2 }])));
  dec.add(Buffer.from(c.encode(0, '/admin', -1, { token: 't' })));
  dec.add(Buffer.from(c.encode(1, '/', -1, undefined)));
  assert.equal(seen.length, 3);
  const [ev, conn, disc] = seen as Array<{ type: number; nsp: string; id?: number; data?: unknown[] }>;
  assert.deepEqual([ev!.type, ev!.nsp, ev!.id], [2, '/', 3]);
  assert.ok(Buffer.from(ev!.data![1] as Buffer).equals(Buffer.from([4, 5])));
  assert.ok(Buffer.from(ev!.data![2] as Buffer).equals(Buffer.from(new Uint16Array([1, 2]).buffer)));
  assert.deepEqual(ev!.data![3], { b: 2 });
  assert.deepEqual(conn, { type: 0, nsp: '/admin', data: { token: 't' } });
  assert.deepEqual(disc, { type: 1, nsp: '/' });
});

test('lean MessagePack codec: malformed packets are parse failures, never throws', () => {
  const c = msgpackCodec();
  const enc = new msgpackParser.Encoder();
  const e = (packet: unknown): Uint8Array => (enc.encode(packet) as unknown as [Uint8Array])[0];
  for (const [bad, why] of [
    [new Uint8Array([0xc1]), /invalid MessagePack/],
    [e([1, 2]), /not a map/],
    [e({ type: 9, nsp: '/' }), /invalid packet type/],
    [e({ type: 2, nsp: 1, data: ['x'] }), /invalid namespace/],
    [e({ type: 2, nsp: '/', data: ['connect'] }), /invalid payload/],
    [e({ type: 2, nsp: '/', data: [] }), /invalid payload/],
    [e({ type: 3, nsp: '/', data: 'x', id: 1 }), /invalid payload/],
    [e({ type: 2, nsp: '/', data: ['x'], id: -1 }), /invalid packet id/],
  ] as const) {
    const p = c.decode(bad);
    assert.equal(p.type, -1);
    assert.match((p as { error: string }).error, why);
  }
});

test('SSE data: JSON when it parses, the text otherwise (tokens, [DONE])', () => {
  assert.deepEqual(parseData('{"seq":3}'), { seq: 3 });
  assert.equal(parseData('42'), 42);
  assert.equal(parseData('[DONE]'), '[DONE]');
  assert.equal(parseData('hello'), 'hello');
  assert.equal(parseData('null'), null);
  assert.equal(parseData(''), '');
  assert.equal(parseData('{not json'), '{not json');
});

test('--dry-run shows the sse event stream URL and where its path came from, and a msgpack parser; nothing connected', async () => {
  const { run } = await import('../../src/run/run.ts');
  const { memOutput } = await import('../integration/helpers.ts');
  const out = memOutput();
  // TEST-NET-3: never reachable, never tried (a dry run connects to nothing)
  const o = await run('examples/sse-feed.ts', { target: 'http://203.0.113.9:4150', dryRun: true, generators: 1, stdout: out, stderr: memOutput() });
  assert.equal(o.exitCode, 0);
  assert.match(
    out.text(),
    /event stream +http:\/\/203\.0\.113\.9:4150\/events \(`connect\.path`\); client\.stream\(\) requests go to http:\/\/203\.0\.113\.9:4150/,
  );
  assert.match(out.text(), /connect +headers authorization; path \/events/);
  const mp = memOutput();
  await run('examples/socketio-msgpack.ts', { target: 'http://203.0.113.9:4140', dryRun: true, generators: 1, stdout: mp, stderr: memOutput() });
  assert.match(mp.text(), /connect +parser msgpack \(socket\.io-msgpack-parser\)/);
});

test("client.stream() on a Socket.IO engine, and emit/emitWithAck on engine 'sse', are counted session_errors that say what to use", async () => {
  const { SessionClient } = await import('../../src/clients/session-client.ts');
  const { SseTransport } = await import('../../src/clients/sse.ts');
  const { FakeSink } = await import('./fake-sink.ts');
  const { monoMs } = await import('../../src/shared/clock.ts');
  const opts = { id: 1, sourceAddress: '127.0.0.1', intendedStart: monoMs(), ackTimeoutMs: 100, connectTimeoutMs: 100, random: Math.random };
  const sink = new FakeSink();
  const sio = new SessionClient(() => assert.fail('no transport is made'), sink, opts);
  await assert.rejects(sio.stream('/v1/chat', { body: {} }), /`client.stream\(\)` reads an HTTP event stream and needs engine 'sse'/);
  assert.deepEqual(
    sink.errors.map(([k]) => k),
    ['session_error'],
  );
  // engine sse, "connected" without a network: the transport's sending calls refuse
  const t = new SseTransport({ target: 'http://127.0.0.1:1', path: '/', localAddress: '127.0.0.1', transports: ['websocket'] });
  assert.throws(() => t.emit('x'), /client.emit\('x'\): engine 'sse' only receives/);
  await assert.rejects(t.emitWithAck('x'), /client.emitWithAck\('x'\): engine 'sse' only receives .* send with client.stream/);
  assert.equal(t.cleanEnd('stream ended by the server'), true);
  assert.equal(t.cleanEnd('the connection broke before the stream ended'), false);
});
