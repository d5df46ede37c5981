/**
 * The lean Socket.IO engine against a real socket.io v4 server (in this process, on 127.0.0.1),
 * feature by feature, and side by side with socket.io-client on the same script.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { LeanSocketIoTransport, type LeanOptions } from '../../src/clients/socketio-lean.ts';
import { SocketIoTransport } from '../../src/clients/socketio.ts';
import { ClientOpError, type Transport } from '../../src/clients/types.ts';
import { run } from '../../src/run/run.ts';
import { memOutput } from './helpers.ts';

interface TestServer {
  io: Server;
  url: string;
  /** Every raw TCP socket the HTTP server accepted. */
  raw: Set<net.Socket>;
  close(): Promise<void>;
}

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function startServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const httpServer = http.createServer();
  const raw = new Set<net.Socket>();
  httpServer.on('connection', (s) => {
    raw.add(s);
    s.on('close', () => raw.delete(s));
  });
  const io = new Server(httpServer, { transports: ['websocket'], ...opts });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as net.AddressInfo;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const s of raw) s.destroy();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  };
  cleanups.push(close);
  return { io, url: `http://127.0.0.1:${port}`, raw, close };
}

const transports: Transport[] = [];
cleanups.push(() => {
  for (const t of transports) t.close();
});

function lean(target: string, extra: LeanOptions = {}, localAddress = '127.0.0.1'): LeanSocketIoTransport {
  const t = new LeanSocketIoTransport({ target, path: '/socket.io', localAddress, transports: ['websocket'] }, extra);
  transports.push(t);
  return t;
}

function reference(target: string): SocketIoTransport {
  const t = new SocketIoTransport({ target, path: '/socket.io', localAddress: '127.0.0.1', transports: ['websocket'] });
  transports.push(t);
  return t;
}

/** Events a transport receives, and the first disconnect reason it reports. */
function watch(t: Transport): { events: Array<[string, unknown[]]>; disconnected: Promise<string>; reasons: string[] } {
  const events: Array<[string, unknown[]]> = [];
  const reasons: string[] = [];
  t.onEvent((e, a) => events.push([e, a]));
  const disconnected = new Promise<string>((resolve) =>
    t.onDisconnect((r) => {
      reasons.push(r);
      resolve(r);
    }),
  );
  return { events, disconnected, reasons };
}

/** The next `connection` on a namespace. */
function nextConnection(io: Server, nsp = '/'): Promise<Socket> {
  return new Promise((resolve) => io.of(nsp).once('connection', resolve));
}

async function rejectsWith(p: Promise<unknown>, kind: ClientOpError['kind'], message?: RegExp): Promise<ClientOpError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ClientOpError, `expected ClientOpError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected a rejection with ${kind}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `p`, or a failure after `ms` (so a missing event fails the test instead of hanging it). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const fail = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message: `${what}: nothing within ${ms}ms` })), ms);
  });
  return Promise.race([p, fail]).finally(() => clearTimeout(timer));
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail('condition not met in time');
    await sleep(5);
  }
}

describe('connect', () => {
  test('default namespace over WebSocket, auth payload, bound source address', async () => {
    const s = await startServer();
    const conn = nextConnection(s.io);
    const t = lean(s.url, { auth: { token: 'abc', n: 1 } }, '127.0.0.7');
    await t.connect(2000);
    assert.equal(t.connected, true);
    const sock = await conn;
    assert.equal(sock.nsp.name, '/');
    assert.deepEqual(sock.handshake.auth, { token: 'abc', n: 1 });
    assert.equal(sock.conn.transport.name, 'websocket');
    assert.equal(sock.conn.protocol, 4);
    assert.equal(sock.handshake.address.replace('::ffff:', ''), '127.0.0.7');
    assert.equal(t.sid, (sock.conn as unknown as { id: string }).id); // the Engine.IO session id
    t.close();
    await until(() => s.io.of('/').sockets.size === 0);
  });

  test('custom namespace from the target URL path (and only that namespace)', async () => {
    const s = await startServer();
    const conn = nextConnection(s.io, '/admin');
    s.io.of('/admin').on('connection', (sock) => sock.on('who', (cb: (n: string) => void) => cb(sock.nsp.name)));
    const t = lean(`${s.url}/admin`);
    await t.connect(2000);
    const sock = await conn;
    assert.equal(sock.nsp.name, '/admin');
    assert.equal(s.io.of('/').sockets.size, 0);
    assert.deepEqual(await t.emitWithAck('who', [], 1000), ['/admin']);
  });

  test('namespace middleware rejection → connect_error with the server message', async () => {
    const s = await startServer();
    s.io.of('/private').use((_sock, next) => next(new Error('not authorized')));
    const t = lean(s.url, { namespace: '/private' });
    const w = watch(t);
    await rejectsWith(t.connect(2000), 'connect_error', /not authorized/);
    assert.equal(t.connected, false);
    assert.deepEqual(w.reasons, [], 'a failed connect is not a disconnect');
  });

  test('unknown namespace → connect_error', async () => {
    const s = await startServer();
    await rejectsWith(lean(`${s.url}/nope`).connect(2000), 'connect_error', /Invalid namespace/);
  });

  test('connect timeout: a namespace middleware that never answers', async () => {
    const s = await startServer();
    s.io.use(() => {}); // never calls next()
    const t0 = Date.now();
    await rejectsWith(lean(s.url).connect(200), 'connect_timeout');
    const took = Date.now() - t0;
    assert.ok(took >= 190 && took < 1500, `took ${took}ms`);
  });

  test('connect timeout: a TCP server that never answers the upgrade', async () => {
    const sockets: net.Socket[] = [];
    const srv = net.createServer((c) => sockets.push(c));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const c of sockets) c.destroy();
      srv.close();
    });
    const { port } = srv.address() as net.AddressInfo;
    await rejectsWith(lean(`http://127.0.0.1:${port}`).connect(200), 'connect_timeout');
  });

  test('handshake refused by the server (allowRequest) → connect_error naming HTTP 400', async () => {
    const s = await startServer({ allowRequest: (_req, cb) => cb('nope', false) });
    await rejectsWith(lean(s.url).connect(2000), 'connect_error', /HTTP 400/);
  });

  test('HTTP 400 "Session ID unknown" (e.g. a misrouting proxy) → session_unknown', async () => {
    // answers every upgrade as Engine.IO does for an unknown sid
    const srv = http.createServer();
    srv.on('upgrade', (_req, socket: net.Socket) => {
      const msg = '{"code":1,"message":"Session ID unknown"}';
      socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-type: text/html\r\nContent-Length: ${msg.length}\r\n\r\n${msg}`);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanups.push(() => srv.close());
    const { port } = srv.address() as net.AddressInfo;
    await rejectsWith(lean(`http://127.0.0.1:${port}`).connect(2000), 'session_unknown', /Session ID unknown/);
  });

  test('connection refused → connect_error', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as net.AddressInfo;
    await new Promise<void>((r) => srv.close(() => r()));
    await rejectsWith(lean(`http://127.0.0.1:${port}`).connect(2000), 'connect_error', /ECONNREFUSED/);
  });

  test('a source address that cannot be bound → classified like the other engines (port_exhaustion)', async () => {
    const s = await startServer();
    // 192.0.2.1 (TEST-NET-1) is not a local address: bind() fails with EADDRNOTAVAIL, nothing is sent
    await rejectsWith(lean(s.url, {}, '192.0.2.1').connect(2000), 'port_exhaustion', /EADDRNOTAVAIL/);
  });
});

describe('events and acks', () => {
  test('emit both directions, acks both directions', async () => {
    const s = await startServer();
    const got: unknown[][] = [];
    const conn = nextConnection(s.io);
    s.io.on('connection', (sock) => {
      sock.on('hello', (...args: unknown[]) => got.push(args));
      sock.on('sum', (a: number, b: number, cb: (...r: unknown[]) => void) => cb(a + b, 'ok', { a, b }));
    });
    const t = lean(s.url);
    const w = watch(t);
    await t.connect(2000);
    const sock = await conn;
    t.emit('hello', ['a', { n: 1 }, [null, true]]);
    t.emit('hello', []);
    assert.deepEqual(await t.emitWithAck('sum', [2, 3], 1000), [5, 'ok', { a: 2, b: 3 }]);
    assert.deepEqual(got, [['a', { n: 1 }, [null, true]], []]);

    sock.emit('news', 'x', 2, { deep: { list: [1, 'é☃'] } });
    await until(() => w.events.length === 1);
    assert.deepEqual(w.events[0], ['news', ['x', 2, { deep: { list: [1, 'é☃'] } }]]);

    // the server emits with an ack: the client handler gets a callback as the last argument
    t.onEvent((e, a) => {
      if (e === 'question') (a[a.length - 1] as (...r: unknown[]) => void)('answer', (a[0] as number) + 1);
    });
    const reply = await new Promise<unknown[]>((resolve, reject) =>
      sock.timeout(1000).emit('question', 41, (err: Error | null, ...r: unknown[]) => (err ? reject(err) : resolve(r))),
    );
    assert.deepEqual(reply, ['answer', 42]);
  });

  test('many acks in flight resolve in any order, each with its own args', async () => {
    const s = await startServer();
    s.io.on('connection', (sock) => sock.on('later', (n: number, cb: (n: number) => void) => setTimeout(() => cb(n * 10), (7 - (n % 7)) * 3)));
    const t = lean(s.url);
    await t.connect(2000);
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => t.emitWithAck('later', [i], 2000)));
    assert.deepEqual(
      replies,
      Array.from({ length: 50 }, (_, i) => [i * 10]),
    );
  });

  test('binary attachments both directions, nested, in events and in acks', async () => {
    const s = await startServer();
    const conn = nextConnection(s.io);
    let serverGot: unknown[] = [];
    s.io.on('connection', (sock) => {
      sock.on('upload', (...args: unknown[]) => {
        const cb = args.pop() as (...r: unknown[]) => void;
        serverGot = args;
        cb({ echoed: args }, Buffer.from('done'));
      });
    });
    const t = lean(s.url);
    const w = watch(t);
    await t.connect(2000);
    const sock = await conn;
    const payload = [Buffer.from('abc'), { name: 'f', parts: [Buffer.from([0, 1, 255]), 'text', { deep: new Uint8Array([9, 8]) }] }];
    const reply = await t.emitWithAck('upload', payload, 1000);
    // what the server decoded: Buffers in place of the placeholders
    assert.deepEqual(serverGot[0], Buffer.from('abc'));
    const second = serverGot[1] as { name: string; parts: [Buffer, string, { deep: Buffer }] };
    assert.equal(second.name, 'f');
    assert.deepEqual(second.parts[0], Buffer.from([0, 1, 255]));
    assert.equal(second.parts[1], 'text');
    assert.deepEqual(Buffer.from(second.parts[2].deep), Buffer.from([9, 8]));
    // the ack came back as BINARY_ACK
    assert.deepEqual(reply[1], Buffer.from('done'));
    const echoed = (reply[0] as { echoed: unknown[] }).echoed;
    assert.deepEqual(echoed[0], Buffer.from('abc'));

    // server → client BINARY_EVENT
    sock.emit('file', { meta: { n: 2 }, chunks: [Buffer.from('one'), Buffer.from('two')] }, Buffer.alloc(0));
    await until(() => w.events.length === 1);
    const [name, args] = w.events[0]!;
    assert.equal(name, 'file');
    const f = args[0] as { meta: { n: number }; chunks: Buffer[] };
    assert.deepEqual(f.meta, { n: 2 });
    assert.ok(Buffer.isBuffer(f.chunks[0]));
    assert.equal(f.chunks.map(String).join(','), 'one,two');
    assert.deepEqual(args[1], Buffer.alloc(0));

    // client → server BINARY_ACK (answering an event the server emitted with an ack)
    t.onEvent((e, a) => {
      if (e === 'give') (a[a.length - 1] as (...r: unknown[]) => void)(Buffer.from('bytes'), { b: Buffer.from('nested') });
    });
    const back = await new Promise<unknown[]>((resolve, reject) =>
      sock.timeout(1000).emit('give', (err: Error | null, ...r: unknown[]) => (err ? reject(err) : resolve(r))),
    );
    assert.deepEqual(back[0], Buffer.from('bytes'));
    assert.deepEqual((back[1] as { b: Buffer }).b, Buffer.from('nested'));
  });

  test('ack timeout: ClientOpError(ack_timeout) at the deadline; shorter timeouts first; late acks ignored', async () => {
    const s = await startServer();
    const late: Array<() => void> = [];
    s.io.on('connection', (sock) => {
      sock.on('silent', () => {});
      sock.on('slow', (cb: (r: string) => void) => late.push(() => cb('late')));
      sock.on('echo', (x: unknown, cb: (x: unknown) => void) => cb(x));
    });
    const t = lean(s.url);
    await t.connect(2000);
    const t0 = Date.now();
    const order: string[] = [];
    const long = rejectsWith(t.emitWithAck('silent', [], 400), 'ack_timeout', /`silent` within 400ms/).then(() => order.push(`long@${Date.now() - t0}`));
    const short = rejectsWith(t.emitWithAck('silent', [], 100), 'ack_timeout', /within 100ms/).then(() => order.push(`short@${Date.now() - t0}`));
    const slow = rejectsWith(t.emitWithAck('slow', [], 150), 'ack_timeout');
    await Promise.all([long, short, slow]);
    assert.deepEqual(
      order.map((o) => o.split('@')[0]),
      ['short', 'long'],
    );
    const shortAt = Number(order[0]!.split('@')[1]);
    const longAt = Number(order[1]!.split('@')[1]);
    // lower bounds are the deadlines; the upper bounds leave room for a stalled loop on a busy host
    // (the order check above already proves each timeout keeps its own deadline)
    assert.ok(shortAt >= 95 && shortAt < 1500, `short rejected at ${shortAt}ms`);
    assert.ok(longAt >= 395 && longAt < 2500, `long rejected at ${longAt}ms`);
    // the server answers `slow` after the client gave up: ignored, the connection stays usable
    await until(() => late.length === 1);
    late[0]!();
    assert.deepEqual(await t.emitWithAck('echo', ['still here'], 1000), ['still here']);
    assert.equal(t.connected, true);
  });
});

describe('disconnects and heartbeat', () => {
  test('server socket.disconnect(true) → onDisconnect("io server disconnect"), pending acks fail', async () => {
    const s = await startServer();
    const conn = nextConnection(s.io);
    s.io.on('connection', (sock) => sock.on('silent', () => {}));
    const t = lean(s.url);
    const w = watch(t);
    await t.connect(2000);
    const sock = await conn;
    const pending = rejectsWith(t.emitWithAck('silent', [], 5000), 'disconnected');
    await sleep(20);
    sock.disconnect(true);
    assert.equal(await within(w.disconnected, 2000, 'disconnect'), 'io server disconnect');
    await pending;
    assert.equal(t.connected, false);
    await rejectsWith(t.emitWithAck('silent', [], 100), 'disconnected');
    await sleep(50);
    assert.deepEqual(w.reasons, ['io server disconnect'], 'reported once');
  });

  test('server closes the Engine.IO connection → onDisconnect("transport close")', async () => {
    const s = await startServer();
    const conn = nextConnection(s.io);
    const t = lean(s.url);
    const w = watch(t);
    await t.connect(2000);
    (await conn).conn.close();
    assert.equal(await within(w.disconnected, 2000, 'disconnect'), 'transport close');
  });

  test('close() by the client: no disconnect reported, the server sees a namespace disconnect', async () => {
    const s = await startServer();
    const conn = nextConnection(s.io);
    const t = lean(s.url);
    const w = watch(t);
    await t.connect(2000);
    const sock = await conn;
    const reason = new Promise<string>((r) => sock.on('disconnect', r));
    t.close();
    assert.equal(await within(reason, 2000, 'server-side disconnect'), 'client namespace disconnect');
    await sleep(50);
    assert.deepEqual(w.reasons, []);
  });

  test('ping/pong keeps the connection alive over many pingIntervals', async () => {
    // pingTimeout 2 s: a 200 ms stall of this process (server and client share it) must not
    // count as a missed pong; pongs ≥ 4 in 1.3 s still needs the client to answer every ping
    const s = await startServer({ pingInterval: 200, pingTimeout: 2000 });
    const conn = nextConnection(s.io);
    s.io.on('connection', (sock) => sock.on('echo', (x: unknown, cb: (x: unknown) => void) => cb(x)));
    const t = lean(s.url);
    const w = watch(t);
    await t.connect(2000);
    const sock = await conn;
    let pongs = 0;
    sock.conn.on('heartbeat', () => pongs++);
    await sleep(1300); // ≥ 6 pings
    assert.ok(pongs >= 4, `server saw ${pongs} pongs`);
    assert.deepEqual(w.reasons, []);
    assert.equal(t.connected, true);
    assert.equal(sock.connected, true);
    assert.deepEqual(await t.emitWithAck('echo', [1], 1000), [1]);
  });

  test('heartbeat timeout: the server stops sending (socket corked) → "ping timeout" within pingInterval + pingTimeout', async () => {
    const s = await startServer({ pingInterval: 200, pingTimeout: 200 });
    const t = lean(s.url);
    const w = watch(t);
    await t.connect(2000);
    await sleep(250); // at least one ping answered
    assert.equal(s.raw.size, 1);
    const t0 = Date.now();
    for (const sock of s.raw) {
      sock.cork(); // nothing the server writes leaves any more
      sock.pause();
    }
    const reason = await within(w.disconnected, 3000, 'disconnect');
    const took = Date.now() - t0;
    assert.equal(reason, 'ping timeout');
    assert.ok(took < 200 + 200 + 1000, `detected after ${took}ms`);
    assert.equal(t.connected, false);
  });
});

describe('same script, same results: socket.io-lean vs socket.io-client', () => {
  /** What one engine saw running the script, and what the server received from it. */
  async function script(make: (url: string) => Transport): Promise<{ client: unknown[]; server: unknown[] }> {
    const s = await startServer();
    const server: unknown[] = [];
    s.io.on('connection', (sock) => {
      sock.emit('greet', 'hi', { n: 1, arr: [1, 'two', null, { x: false }] });
      sock.onAny((event: string, ...args: unknown[]) => {
        const cb = typeof args[args.length - 1] === 'function' ? (args.pop() as (...r: unknown[]) => void) : null;
        server.push([event, args]);
        if (event === 'echo-me') sock.emit('echoed', ...args);
        if (cb && event === 'sum')
          cb(
            (args as number[]).reduce((a, b) => a + b, 0),
            'ok',
          );
        if (cb && event === 'mirror') cb(...args);
        if (event === 'ask-me') {
          sock.timeout(1000).emit('question', 41, (err: Error | null, ...r: unknown[]) => {
            server.push(['answer', err ? String(err) : r]);
            sock.emit('answered', ...r);
          });
        }
        if (event === 'push-bin') sock.emit('binpush', { data: Buffer.from('zz'), list: [Buffer.from('q'), 3] }, Buffer.from([1, 2, 3]));
        if (event === 'bye') sock.disconnect(true);
      });
    });
    const t = make(s.url);
    const client: unknown[] = [];
    const norm = (a: unknown[]): unknown[] => a.map((x) => (typeof x === 'function' ? '<ack fn>' : x));
    t.onEvent((e, a) => {
      client.push(['event', e, norm(a)]);
      if (e === 'question') (a[a.length - 1] as (...r: unknown[]) => void)('answer', (a[0] as number) + 1, Buffer.from('ans'));
    });
    const disconnected = new Promise<string>((r) => t.onDisconnect(r));
    await t.connect(2000);
    await until(() => client.length >= 1);
    t.emit('echo-me', ['x', { y: [1, 2] }, 'héllo ☃ 𝄞', 1e21, -0.5, {}, []]);
    client.push(['ack', await t.emitWithAck('sum', [1, 2, 3], 1000)]);
    client.push(['ack', await t.emitWithAck('mirror', [Buffer.from('abc'), { inner: Buffer.from([0, 255]) }, 'plain'], 1000)]);
    client.push(['ack', await t.emitWithAck('mirror', [], 1000)]);
    t.emit('push-bin', []);
    t.emit('ask-me', []);
    await until(() => client.some((c) => (c as unknown[])[1] === 'answered') && client.some((c) => (c as unknown[])[1] === 'binpush'));
    t.emit('bye', []);
    client.push(['disconnect', await within(disconnected, 2000, 'disconnect')]);
    t.close();
    await s.close();
    return { client, server };
  }

  test('received events, args, ack replies, binary and disconnect reason are identical', async () => {
    const ref = await script(reference);
    const mine = await script((url) => lean(url));
    assert.ok(ref.client.length >= 8, `reference saw ${ref.client.length} items`);
    // sanity: binary arrived as Buffers with the reference client too
    const mirror = ref.client.find((c) => (c as unknown[])[0] === 'ack' && Array.isArray((c as unknown[])[1]) && (c as unknown[][])[1]!.length === 3) as [
      string,
      unknown[],
    ];
    assert.ok(Buffer.isBuffer(mirror[1][0]));
    assert.deepEqual(mine.client, ref.client);
    assert.deepEqual(mine.server, ref.server);
  });
});

describe('rtbench run() with the lean engine', () => {
  test("tiny echo scenario with engine 'socket.io-lean' against the embedded reference server", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtbench-lean-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tiny-lean.mts'); // .mts: an ES module outside the package
    writeFileSync(
      file,
      `export default {
  name: 'tiny lean',
  engine: 'socket.io-lean',
  phases: [{ duration: '1s', arrivalRate: 10 }],
  async session(client) {
    await client.connect();
    await client.every(40, 5, async (i) => {
      await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
};
`,
    );
    const outcome = await run(file, { out: join(dir, 'out'), generators: 1, stdout: memOutput(), stderr: memOutput() });
    assert.equal(outcome.exitCode, 0);
    const r = outcome.file.runs[0]!;
    assert.equal(r.engine, 'socket.io-lean');
    assert.equal(r.status, 'completed');
    assert.equal(r.counters['sessions.completed'], r.counters['sessions.started']);
    assert.ok(r.metrics['ack:echo']!.count > 0);
    assert.equal(r.metrics['ack:echo']!.count, 5 * r.counters['sessions.started']!);
    assert.equal(r.metrics.connect!.count, r.counters['sessions.started']);
    assert.deepEqual(r.errors, {});
  });
});
