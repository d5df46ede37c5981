/**
 * The lean engine's WebSocket client (src/clients/lean/wsclient.ts) against a real `ws` server and
 * against raw TCP servers scripted byte by byte, all on 127.0.0.1. Every server and socket opened
 * here is closed by the test that opened it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { TLS_CODES } from '../../src/clients/classify.ts';
import { WsClient, type WsOwner } from '../../src/clients/lean/wsclient.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`${what}: not within ${ms}ms`);
    await sleep(2);
  }
}

/** Records everything a connection reports, in order. */
class Recorder implements WsOwner {
  readonly log: string[] = [];
  readonly texts: string[] = [];
  readonly binaries: Buffer[] = [];
  readonly errors: Array<Error & { code?: string }> = [];
  refused: { status: number; body: string } | null = null;
  opened = false;
  closeCode = -1;
  wsOpen(): void {
    this.opened = true;
    this.log.push('open');
  }
  wsText(text: string): void {
    this.texts.push(text);
    this.log.push('text');
  }
  wsBinary(data: Buffer): void {
    this.binaries.push(Buffer.from(data)); // a copy: the client may hand out a view
    this.log.push('binary');
  }
  wsError(err: Error): void {
    this.errors.push(err);
    this.log.push(`error ${(err as { code?: string }).code}`);
  }
  wsRefused(status: number, body: string): void {
    this.refused = { status, body };
    this.log.push(`refused ${status}`);
  }
  wsClose(code: number): void {
    assert.equal(this.closeCode, -1, 'wsClose reported twice');
    this.closeCode = code;
    this.log.push(`close ${code}`);
  }
  get closed(): boolean {
    return this.closeCode !== -1;
  }
}

/** A client to `url`; the test waits for its socket to be closed before it ends. */
function client(t: TestContext, url: string, maxPayload?: number, localAddress = '127.0.0.1'): { ws: WsClient; rec: Recorder } {
  const rec = new Recorder();
  const ws = new WsClient(url, rec, { localAddress, maxPayload });
  t.after(async () => {
    ws.terminate();
    await until(() => rec.closed, 'client socket closed');
  });
  return { ws, rec };
}

// ---- servers --------------------------------------------------------------------------------------

async function wsServer(t: TestContext): Promise<{ wss: WebSocketServer; url: string; next: () => Promise<ServerSocket> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const waiting: Array<(s: ServerSocket) => void> = [];
  const queued: ServerSocket[] = [];
  wss.on('connection', (s) => {
    s.on('error', () => {}); // protocol errors of the tests' own making
    const w = waiting.shift();
    if (w) w(s);
    else queued.push(s);
  });
  t.after(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });
  const { port } = wss.address() as net.AddressInfo;
  return {
    wss,
    url: `ws://127.0.0.1:${port}/path?q=1`,
    next: () => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((r) => waiting.push(r))),
  };
}

interface RawConn {
  sock: net.Socket;
  /** The request head the client sent. */
  head: string;
  key: string;
  /** Bytes the client sent after its request head (frames), as they arrive. */
  received: Buffer[];
}

/** A TCP server that reads the upgrade request and hands the connection to `script`. */
async function rawServer(t: TestContext, script: (c: RawConn) => unknown): Promise<string> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let conn: RawConn | null = null;
    sock.on('data', (b: Buffer) => {
      if (conn !== null) {
        conn.received.push(b);
        return;
      }
      buf = Buffer.concat([buf, b]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.toString('latin1', 0, end);
      const key = /^sec-websocket-key: *(.+)$/im.exec(head)?.[1]?.trim() ?? '';
      conn = { sock, head, key, received: [] };
      if (end + 4 < buf.length) conn.received.push(buf.subarray(end + 4));
      void script(conn);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => srv.close(() => r()));
  });
  return `ws://127.0.0.1:${(srv.address() as net.AddressInfo).port}/`;
}

const acceptOf = (key: string): string =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

function response101(key: string, extra = ''): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(key)}\r\n${extra}\r\n`;
}

/** A server frame (unmasked unless `maskKey` is given). `len` overrides the length field. */
function serverFrame(op: number, payload: Buffer | string, o: { fin?: boolean; rsv?: number; maskKey?: Buffer; forceLen64?: boolean } = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const n = data.length;
  const lenBytes = o.forceLen64 || n >= 0x10000 ? 8 : n >= 126 ? 2 : 0;
  const head = Buffer.alloc(2 + lenBytes + (o.maskKey ? 4 : 0));
  head[0] = (o.fin === false ? 0 : 0x80) | ((o.rsv ?? 0) << 4) | op;
  head[1] = (o.maskKey ? 0x80 : 0) | (lenBytes === 8 ? 127 : lenBytes === 2 ? 126 : n);
  if (lenBytes === 2) head.writeUInt16BE(n, 2);
  if (lenBytes === 8) head.writeBigUInt64BE(BigInt(n), 2);
  let body = data;
  if (o.maskKey) {
    o.maskKey.copy(head, 2 + lenBytes);
    body = Buffer.from(data.map((b, i) => b ^ o.maskKey![i & 3]!));
  }
  return Buffer.concat([head, body]);
}

interface ClientFrame {
  fin: boolean;
  op: number;
  masked: boolean;
  maskKey: Buffer;
  payload: Buffer;
  /** The payload as it was on the wire (still masked). */
  wire: Buffer;
}

/** Decode the client's frames (all complete ones in `bytes`). */
function clientFrames(bytes: Buffer): ClientFrame[] {
  const out: ClientFrame[] = [];
  let i = 0;
  while (i + 2 <= bytes.length) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1]!;
    let len = b1 & 0x7f;
    let p = i + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const maskKey = masked ? bytes.subarray(p, p + 4) : Buffer.alloc(4);
    if (masked) p += 4;
    if (p + len > bytes.length) break;
    const wire = bytes.subarray(p, p + len);
    out.push({ fin: (b0 & 0x80) !== 0, op: b0 & 0x0f, masked, maskKey, payload: Buffer.from(wire.map((b, k) => b ^ maskKey[k & 3]!)), wire });
    i = p + len;
  }
  return out;
}

const all = (c: RawConn): Buffer => Buffer.concat(c.received);

/**
 * Write `bytes` in pieces of `pieceSize(offset)` bytes, 1 ms apart, so that the client (in this
 * process) reads each piece on its own instead of several pieces coalesced.
 */
async function writeInPieces(sock: net.Socket, bytes: Buffer, pieceSize: (offset: number) => number): Promise<number> {
  let pieces = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, Math.min(pieceSize(i), bytes.length - i));
    sock.write(bytes.subarray(i, i + n));
    i += n;
    pieces++;
    await sleep(1);
  }
  return pieces;
}

// ---- tests ------------------------------------------------------------------------------------------

describe('lean wsclient against a ws server', () => {
  test('upgrade, masked text and binary both ways with 7-bit, 16-bit and 64-bit lengths', async (t) => {
    const s = await wsServer(t);
    const got: Array<{ data: Buffer; isBinary: boolean }> = [];
    const { ws, rec } = client(t, s.url);
    const conn = await s.next();
    // the ws server refuses unmasked client frames (1002 "MASK must be set"): echo everything back
    conn.on('message', (data: Buffer, isBinary) => {
      got.push({ data, isBinary });
      conn.send(data, { binary: isBinary });
    });
    await until(() => rec.opened, 'open');
    const small = 'héllo ☃';
    const mid = 'm'.repeat(300); // 16-bit length
    const big = Buffer.alloc(70_000, 7); // 64-bit length
    big[69_999] = 1;
    ws.sendText(small);
    ws.sendText(mid);
    ws.sendBinary(big);
    ws.sendBinary(new Uint8Array([1, 2, 3]).buffer);
    ws.sendBinary(new Uint16Array([0x0102, 0x0304]).subarray(1));
    await until(() => rec.texts.length === 2 && rec.binaries.length === 3, 'echoes');
    assert.deepEqual(
      got.map((g) => g.isBinary),
      [false, false, true, true, true],
    );
    assert.equal(got[0]!.data.toString(), small);
    assert.equal(got[1]!.data.toString(), mid);
    assert.ok(got[2]!.data.equals(big));
    assert.deepEqual([...got[3]!.data], [1, 2, 3]);
    assert.deepEqual([...got[4]!.data], [...Buffer.from(new Uint16Array([0x0304]).buffer)]);
    assert.deepEqual(rec.texts, [small, mid]);
    assert.ok(rec.binaries[0]!.equals(big));
    assert.deepEqual(rec.errors, []);
    assert.equal(ws.isOpen, true);
  });

  test('the request: one GET with the target path and query, Host, version 13, a fresh 16-byte key; no extensions', async (t) => {
    const heads: string[] = [];
    const url = await rawServer(t, (c) => {
      heads.push(c.head);
      c.sock.write(response101(c.key));
    });
    const a = client(t, url.replace(/\/$/, '/socket.io/?EIO=4&transport=websocket'));
    const b = client(t, url);
    await until(() => a.rec.opened && b.rec.opened, 'both open');
    const head = heads.find((h) => h.includes('EIO=4'))!;
    const port = new URL(url).port;
    assert.match(head, /^GET \/socket\.io\/\?EIO=4&transport=websocket HTTP\/1\.1\r\n/);
    assert.match(head, new RegExp(`\r\nHost: 127\\.0\\.0\\.1:${port}\r\n`));
    assert.match(head, /\r\nUpgrade: websocket\r\n/i);
    assert.match(head, /\r\nConnection: Upgrade\r\n/i);
    assert.match(head, /\r\nSec-WebSocket-Version: 13\r\n/);
    assert.doesNotMatch(head, /Sec-WebSocket-Extensions|Sec-WebSocket-Protocol/i);
    const keys = heads.map((h) => /Sec-WebSocket-Key: (.+)/.exec(h)![1]!);
    assert.equal(Buffer.from(keys[0]!, 'base64').length, 16);
    assert.notEqual(keys[0], keys[1], 'a random key per connection');
  });

  test('a server ping is answered with a pong carrying the same payload', async (t) => {
    const s = await wsServer(t);
    const { rec } = client(t, s.url);
    const conn = await s.next();
    await until(() => rec.opened, 'open');
    const pongs: Buffer[] = [];
    conn.on('pong', (d) => pongs.push(d));
    conn.ping(Buffer.from('ping-payload-✓'));
    conn.ping(Buffer.alloc(0));
    conn.ping(Buffer.alloc(125, 0xab)); // the largest control payload
    await until(() => pongs.length === 3, 'pongs');
    assert.equal(pongs[0]!.toString(), 'ping-payload-✓');
    assert.equal(pongs[1]!.length, 0);
    assert.ok(pongs[2]!.equals(Buffer.alloc(125, 0xab)));
    assert.deepEqual(rec.errors, []);
  });

  test('fragmented server messages (text and binary) are reassembled', async (t) => {
    const s = await wsServer(t);
    const { rec } = client(t, s.url);
    const conn = await s.next();
    await until(() => rec.opened, 'open');
    conn.send('frag', { fin: false });
    conn.send('men', { fin: false });
    conn.send('ted ☃', { fin: true });
    conn.send(Buffer.from([1, 2]), { binary: true, fin: false });
    conn.send(Buffer.alloc(300, 3), { binary: true, fin: true });
    await until(() => rec.texts.length === 1 && rec.binaries.length === 1, 'messages');
    assert.deepEqual(rec.texts, ['fragmented ☃']);
    assert.ok(rec.binaries[0]!.equals(Buffer.concat([Buffer.from([1, 2]), Buffer.alloc(300, 3)])));
  });

  test('close(): close frame 1000 (with a last text frame in the same write); the server closes TCP first', async (t) => {
    const s = await wsServer(t);
    const { ws, rec } = client(t, s.url);
    const conn = await s.next();
    await until(() => rec.opened, 'open');
    const seen: string[] = [];
    conn.on('message', (d) => seen.push(String(d)));
    const closed = new Promise<number>((r) => conn.once('close', (code) => r(code)));
    ws.close('last words');
    assert.equal(ws.isOpen, false);
    ws.sendText('dropped: after close()');
    assert.equal(await closed, 1000);
    await until(() => rec.closed, 'client closed');
    assert.deepEqual(seen, ['last words']);
    assert.equal(rec.closeCode, 1000, 'the server echoed 1000');
    assert.deepEqual(rec.errors, [], 'a normal close reports no error');
  });

  test('a server-initiated close is answered with the same code', async (t) => {
    const s = await wsServer(t);
    const { rec } = client(t, s.url);
    const conn = await s.next();
    await until(() => rec.opened, 'open');
    const closed = new Promise<number>((r) => conn.once('close', (code) => r(code)));
    conn.close(4001, 'bye');
    await until(() => rec.closed, 'client closed');
    assert.equal(rec.closeCode, 4001);
    assert.equal(await closed, 4001);
    assert.deepEqual(rec.errors, []);
  });

  test('a message above maxPayload is refused with 1009 (single frame and fragmented)', async (t) => {
    const s = await wsServer(t);
    for (const fragmented of [false, true]) {
      const { rec } = client(t, s.url, 1000);
      const conn = await s.next();
      await until(() => rec.opened, 'open');
      const closed = new Promise<number>((r) => conn.once('close', (code) => r(code)));
      conn.send('x'.repeat(1000)); // exactly the limit: accepted
      if (fragmented) {
        conn.send('y'.repeat(600), { fin: false });
        conn.send('y'.repeat(600), { fin: true });
      } else conn.send(Buffer.alloc(1001), { binary: true });
      await until(() => rec.closed, 'client closed');
      assert.equal(rec.texts.length, 1);
      assert.equal(rec.binaries.length, 0);
      assert.deepEqual(
        rec.errors.map((e) => e.code),
        ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'],
      );
      assert.equal(await closed, 1009);
    }
  });
});

describe('lean wsclient against scripted TCP servers', () => {
  test('frames split byte by byte across chunks, and many frames in one chunk', async (t) => {
    const big = Buffer.alloc(70_000);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const stream = Buffer.concat([
      serverFrame(1, 'a'),
      serverFrame(2, Buffer.alloc(0)),
      serverFrame(1, 'b'.repeat(126)), // 16-bit length
      serverFrame(2, big), // 64-bit length
      serverFrame(1, 'small after big'),
      serverFrame(1, 'c'.repeat(10), { forceLen64: true }), // a 64-bit length field for a small payload
      serverFrame(1, 'fr', { fin: false }),
      serverFrame(9, 'mid-message ping'),
      serverFrame(0, 'ag', { fin: false }),
      serverFrame(0, 'ment', { fin: true }),
      serverFrame(10, 'unsolicited pong'),
      serverFrame(1, 'é☃𝄞'), // a multi-byte character split across chunks too
    ]);
    const expectedTexts = ['a', 'b'.repeat(126), 'small after big', 'c'.repeat(10), 'fragment', 'é☃𝄞'];
    let pieces = 0;
    let conn: RawConn | null = null;
    const url = await rawServer(t, async (c) => {
      conn = c;
      c.sock.write(response101(c.key));
      await sleep(1);
      // headers byte by byte; the big payload in ~9.9 KB pieces
      const bigStart = stream.indexOf(big.subarray(0, 64));
      pieces = await writeInPieces(c.sock, stream, (i) => (i >= bigStart && i < bigStart + big.length - 10 ? 9_973 : 1));
    });
    const { rec } = client(t, url);
    await until(() => rec.texts.length === expectedTexts.length, 'all messages', 15_000);
    await until(() => pieces > 0, 'all pieces written');
    assert.ok(pieces > 140, `${pieces} writes`);
    assert.deepEqual(rec.texts, expectedTexts);
    assert.equal(rec.binaries.length, 2);
    assert.equal(rec.binaries[0]!.length, 0);
    assert.ok(rec.binaries[1]!.equals(big));
    // the ping in the middle of the fragmented message was answered, masked, with its payload
    await until(() => clientFrames(all(conn!)).length === 1, 'pong');
    const [pong] = clientFrames(all(conn!));
    assert.equal(pong!.op, 10);
    assert.equal(pong!.masked, true);
    assert.equal(pong!.payload.toString(), 'mid-message ping');
    assert.deepEqual(rec.errors, []);

    // chunk boundaries inside headers with more bytes behind them: pieces of 7, then 13 bytes
    const small = Buffer.concat([
      serverFrame(1, 'one'),
      serverFrame(2, Buffer.alloc(200, 5)),
      serverFrame(1, 'two', { forceLen64: true }),
      serverFrame(9, 'p'),
      serverFrame(1, 'three'.repeat(30)),
      serverFrame(1, 'fo', { fin: false }),
      serverFrame(0, 'ur'),
    ]);
    for (const size of [7, 13]) {
      const u = await rawServer(t, async (c) => {
        c.sock.write(response101(c.key));
        await sleep(1);
        await writeInPieces(c.sock, small, () => size);
      });
      const r = client(t, u);
      await until(() => r.rec.texts.length === 4, `pieces of ${size}: messages`);
      assert.deepEqual(r.rec.texts, ['one', 'two', 'three'.repeat(30), 'four'], `pieces of ${size}`);
      assert.ok(r.rec.binaries[0]!.equals(Buffer.alloc(200, 5)), `pieces of ${size}`);
      assert.deepEqual(r.rec.errors, []);
    }

    // many frames in one chunk, right behind the 101 response
    const url2 = await rawServer(t, (c) => {
      const frames = Array.from({ length: 200 }, (_, i) => serverFrame(1, `m${i}`));
      c.sock.write(Buffer.concat([Buffer.from(response101(c.key), 'latin1'), ...frames]));
    });
    const b = client(t, url2);
    await until(() => b.rec.texts.length === 200, '200 messages');
    assert.deepEqual(
      b.rec.texts,
      Array.from({ length: 200 }, (_, i) => `m${i}`),
    );
  });

  test('client frames are masked with a fresh mask per frame', async (t) => {
    let conn: RawConn | null = null;
    const url = await rawServer(t, (c) => {
      conn = c;
      c.sock.write(response101(c.key));
    });
    const { ws, rec } = client(t, url);
    await until(() => rec.opened, 'open');
    const text = 'the quick brown fox jumps over the lazy dog';
    for (let i = 0; i < 40; i++) ws.sendText(text); // more frames than one random block holds
    ws.sendBinary(Buffer.alloc(200, 0));
    await until(() => clientFrames(all(conn!)).length === 41, 'frames');
    const frames = clientFrames(all(conn!));
    for (const f of frames.slice(0, 40)) {
      assert.equal(f.masked, true);
      assert.equal(f.fin, true);
      assert.equal(f.op, 1);
      assert.equal(f.payload.toString(), text);
      assert.notEqual(f.wire.toString(), text);
    }
    assert.equal(frames[40]!.op, 2);
    assert.ok(frames[40]!.payload.equals(Buffer.alloc(200, 0)));
    assert.ok(!frames[40]!.wire.equals(Buffer.alloc(200, 0)), 'zeros are sent masked');
    const masks = new Set(frames.map((f) => f.maskKey.toString('hex')));
    assert.ok(masks.size >= 38, `${masks.size} distinct masks in 41 frames`);
  });

  test('a wrong Sec-WebSocket-Accept is refused (error, close, never open)', async (t) => {
    const url = await rawServer(t, (c) => c.sock.write(response101(`${c.key}x`)));
    const { rec } = client(t, url);
    await until(() => rec.closed, 'closed');
    assert.equal(rec.opened, false);
    assert.equal(rec.errors.length, 1);
    assert.match(rec.errors[0]!.message, /Invalid Sec-WebSocket-Accept header/);
    assert.deepEqual(rec.log, ['error WS_ERR_INVALID_RESPONSE', 'close 1006']);
  });

  test('extensions or a subprotocol the client did not ask for, a wrong Upgrade header: refused', async (t) => {
    const cases: Array<[string, (key: string) => string, RegExp]> = [
      ['extension', (k) => response101(k, 'Sec-WebSocket-Extensions: permessage-deflate\r\n'), /Extensions/],
      ['subprotocol', (k) => response101(k, 'Sec-WebSocket-Protocol: chat\r\n'), /subprotocol/],
      ['upgrade', (k) => response101(k).replace('Upgrade: websocket', 'Upgrade: h2c'), /Invalid Upgrade header/],
    ];
    for (const [name, answer, message] of cases) {
      const url = await rawServer(t, (c) => c.sock.write(answer(c.key) + serverFrame(1, 'never delivered').toString('latin1')));
      const { rec } = client(t, url);
      await until(() => rec.closed, `${name}: closed`);
      assert.equal(rec.opened, false, name);
      assert.deepEqual(rec.texts, [], name);
      assert.match(rec.errors[0]?.message ?? '', message, name);
    }
  });

  test('response headers are case-insensitive and the head may arrive in pieces (byte by byte, 1 + the rest, …)', async (t) => {
    const splits: Array<[string, (i: number) => number]> = [
      ['byte by byte', () => 1],
      ['1 byte, then the rest', (i) => (i === 0 ? 1 : 1000)],
      ['2 bytes, then the rest', (i) => (i === 0 ? 2 : 1000)],
      ['up to the middle of the blank line, then the rest', (i) => (i === 0 ? 150 : 1000)],
    ];
    for (const [name, pieces] of splits) {
      const url = await rawServer(t, async (c) => {
        const make = (pad: number): string =>
          `HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, Upgrade\r\nsec-websocket-accept: ${acceptOf(c.key)}\r\nX-Pad: ${'p'.repeat(pad)}\r\n\r\n`;
        const head = make(148 - make(0).indexOf('\r\n\r\n'));
        assert.equal(head.indexOf('\r\n\r\n'), 148, 'the 150-byte piece ends inside the CRLF CRLF');
        await writeInPieces(c.sock, Buffer.concat([Buffer.from(head, 'latin1'), serverFrame(1, 'hi')]), pieces);
      });
      const { rec } = client(t, url);
      await until(() => rec.texts.length === 1, `${name}: message`);
      assert.deepEqual(rec.log, ['open', 'text'], name);
      assert.deepEqual(rec.texts, ['hi'], name);
    }
  });

  test('a non-101 response is reported with its status and body (Content-Length, chunked, until close)', async (t) => {
    const msg = '{"code":1,"message":"Session ID unknown"}';
    const cases: Array<[string, string, number, string]> = [
      ['content-length', `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-type: text/html\r\nContent-Length: ${msg.length}\r\n\r\n${msg}`, 400, msg],
      ['chunked', `HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`, 403, 'hello world'],
      ['until close', `HTTP/1.0 503 Service Unavailable\r\n\r\nbusy`, 503, 'busy'],
      ['no body', `HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n`, 404, ''],
    ];
    for (const [name, answer, status, body] of cases) {
      const url = await rawServer(t, async (c) => {
        // the head and the body in separate writes
        const split = answer.indexOf('\r\n\r\n') + 4;
        c.sock.write(answer.slice(0, split));
        await sleep(5);
        if (name === 'until close') c.sock.end(answer.slice(split));
        else c.sock.write(answer.slice(split)); // the server keeps the connection open: the length says when it ends
      });
      const { rec } = client(t, url);
      await until(() => rec.closed, `${name}: closed`);
      assert.deepEqual(rec.refused, { status, body }, name);
      assert.deepEqual(rec.errors, [], name);
      assert.equal(rec.opened, false, name);
    }
    // a long body is cut at 512 bytes
    const url = await rawServer(t, (c) => c.sock.write(`HTTP/1.1 500 Oops\r\nContent-Length: 5000\r\n\r\n${'z'.repeat(5000)}`));
    const { rec } = client(t, url);
    await until(() => rec.closed, 'long body: closed');
    assert.equal(rec.refused?.status, 500);
    assert.equal(rec.refused?.body, 'z'.repeat(512));
  });

  test('a masked server frame is refused with close code 1002', async (t) => {
    let conn: RawConn | null = null;
    const url = await rawServer(t, (c) => {
      conn = c;
      c.sock.write(
        Buffer.concat([
          Buffer.from(response101(c.key), 'latin1'),
          serverFrame(1, 'ok'),
          serverFrame(1, 'masked', { maskKey: Buffer.from([1, 2, 3, 4]) }),
          serverFrame(1, 'after'),
        ]),
      );
    });
    const { rec } = client(t, url);
    await until(() => rec.closed, 'closed');
    assert.deepEqual(rec.texts, ['ok']);
    assert.deepEqual(
      rec.errors.map((e) => e.code),
      ['WS_ERR_UNEXPECTED_MASK'],
    );
    await until(() => clientFrames(all(conn!)).some((f) => f.op === 8), 'a close frame');
    assert.equal(
      clientFrames(all(conn!))
        .find((f) => f.op === 8)!
        .payload.readUInt16BE(0),
      1002,
    );
  });

  test('reserved bits, unknown opcodes, bad control frames and bad continuations are protocol errors (1002)', async (t) => {
    const cases: Array<[string, Buffer, string]> = [
      ['RSV1', serverFrame(1, 'x', { rsv: 4 }), 'WS_ERR_UNEXPECTED_RSV'],
      ['opcode 3', serverFrame(3, 'x'), 'WS_ERR_INVALID_OPCODE'],
      ['opcode 11', serverFrame(11, 'x'), 'WS_ERR_INVALID_OPCODE'],
      ['ping of 126 bytes', serverFrame(9, Buffer.alloc(126)), 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
      ['fragmented ping', serverFrame(9, 'x', { fin: false }), 'WS_ERR_EXPECTED_FIN'],
      ['continuation first', serverFrame(0, 'x'), 'WS_ERR_INVALID_OPCODE'],
      ['text inside a fragmented message', Buffer.concat([serverFrame(1, 'a', { fin: false }), serverFrame(1, 'b')]), 'WS_ERR_INVALID_OPCODE'],
      ['close code 1005 on the wire', serverFrame(8, Buffer.from([0x03, 0xed])), 'WS_ERR_INVALID_CLOSE_CODE'],
      ['close payload of 1 byte', serverFrame(8, Buffer.from([3])), 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
    ];
    for (const [name, bad, code] of cases) {
      let conn: RawConn | null = null;
      const url = await rawServer(t, (c) => {
        conn = c;
        c.sock.write(Buffer.concat([Buffer.from(response101(c.key), 'latin1'), bad]));
      });
      const { rec } = client(t, url);
      await until(() => rec.closed, `${name}: closed`);
      assert.deepEqual(
        rec.errors.map((e) => e.code),
        [code],
        name,
      );
      assert.deepEqual(rec.texts, [], name);
      await until(() => clientFrames(all(conn!)).some((f) => f.op === 8), `${name}: close frame`);
      assert.equal(
        clientFrames(all(conn!))
          .find((f) => f.op === 8)!
          .payload.readUInt16BE(0),
        1002,
        name,
      );
    }
  });

  test('a 64-bit length above the limit is refused before any payload arrives (1009)', async (t) => {
    let conn: RawConn | null = null;
    const url = await rawServer(t, (c) => {
      conn = c;
      const head = Buffer.from([0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0]); // 2^32 bytes announced
      c.sock.write(Buffer.concat([Buffer.from(response101(c.key), 'latin1'), head]));
    });
    const { rec } = client(t, url);
    await until(() => rec.closed, 'closed');
    assert.deepEqual(
      rec.errors.map((e) => e.code),
      ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'],
    );
    await until(() => clientFrames(all(conn!)).some((f) => f.op === 8), 'close frame');
    assert.equal(
      clientFrames(all(conn!))
        .find((f) => f.op === 8)!
        .payload.readUInt16BE(0),
      1009,
    );
  });

  test('close handshake with a raw server: close frame 1000, answered, then the server closes TCP', async (t) => {
    let conn: RawConn | null = null;
    let clientFin = false;
    const url = await rawServer(t, (c) => {
      conn = c;
      c.sock.on('end', () => (clientFin = true));
      c.sock.write(response101(c.key));
    });
    const { ws, rec } = client(t, url);
    await until(() => rec.opened, 'open');
    ws.close('41');
    await until(() => clientFrames(all(conn!)).length === 2, 'the last text frame and the close frame');
    const [last, close] = clientFrames(all(conn!));
    assert.equal(conn!.received.length, 1, 'both frames in one write');
    assert.equal(last!.payload.toString(), '41');
    assert.equal(close!.op, 8);
    assert.equal(close!.payload.readUInt16BE(0), 1000);
    await sleep(50);
    assert.equal(rec.closed, false, 'the client waits for the server');
    assert.equal(clientFin, false, 'the client has not closed TCP before the server');
    conn!.sock.end(serverFrame(8, Buffer.from([0x03, 0xe8])));
    await until(() => rec.closed, 'closed');
    assert.equal(rec.closeCode, 1000);
    assert.deepEqual(rec.errors, []);
  });

  test('close(): a server that never answers is dropped after the close timeout', async (t) => {
    let gone = false;
    const url = await rawServer(t, (c) => {
      c.sock.on('close', () => (gone = true));
      c.sock.write(response101(c.key));
    });
    const { ws, rec } = client(t, url);
    await until(() => rec.opened, 'open');
    const t0 = Date.now();
    ws.close();
    await until(() => rec.closed, 'closed', 3000);
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 2000, `dropped after ${took}ms`);
    assert.equal(rec.closeCode, 1006);
    await until(() => gone, 'server side closed');
  });

  test('the server closing TCP before answering the upgrade: ECONNRESET "socket hang up"', async (t) => {
    const url = await rawServer(t, (c) => c.sock.end());
    const { rec } = client(t, url);
    await until(() => rec.closed, 'closed');
    assert.deepEqual(rec.log, ['error ECONNRESET', 'close 1006']);
    assert.equal(rec.errors[0]!.message, 'socket hang up');
  });

  test('socket errors keep their errno code: ECONNREFUSED, EADDRNOTAVAIL', async (t) => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const { port } = srv.address() as net.AddressInfo;
    await new Promise<void>((r) => srv.close(() => r()));
    const refused = client(t, `ws://127.0.0.1:${port}/`);
    await until(() => refused.rec.closed, 'refused: closed');
    assert.deepEqual(refused.rec.log, ['error ECONNREFUSED', 'close 1006']);
    // 192.0.2.1 (TEST-NET-1) is not a local address: bind() fails, nothing is sent
    const unbound = client(t, `ws://127.0.0.1:${port}/`, undefined, '192.0.2.1');
    await until(() => unbound.rec.closed, 'unbound: closed');
    assert.deepEqual(unbound.rec.log, ['error EADDRNOTAVAIL', 'close 1006']);
  });

  test('wss: with the certificate trusted (NODE_EXTRA_CA_CERTS), upgrade, echo and close work over TLS', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rtbench-wsclient-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const subj = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', ...subj],
      { stdio: 'ignore' },
    );
    const server = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) });
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    const closes: number[] = [];
    wss.on('connection', (s) => {
      s.on('message', (d, isBinary) => s.send(d, { binary: isBinary }));
      s.on('close', (code) => closes.push(code));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    t.after(async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    });
    const { port } = server.address() as net.AddressInfo;
    // NODE_EXTRA_CA_CERTS is read at process start: the client runs in a child process
    const script = join(dir, 'client.mts');
    writeFileSync(
      script,
      `import { WsClient } from ${JSON.stringify(new URL('../../src/clients/lean/wsclient.ts', import.meta.url).href)};
const out = [];
const done = (what) => { out.push(what); if (what.startsWith('close')) console.log(JSON.stringify(out)); };
const ws = new WsClient(process.argv[2], {
  wsOpen: () => { out.push('open'); ws.sendText('over tls ☃'); },
  wsText: (s) => { out.push('text ' + s); ws.close(); },
  wsBinary: () => out.push('binary'),
  wsError: (e) => out.push('error ' + e.code),
  wsRefused: (s) => out.push('refused ' + s),
  wsClose: (code) => done('close ' + code),
}, { localAddress: '127.0.0.1' });
`,
    );
    for (const host of ['127.0.0.1', 'localhost']) {
      // (asynchronously: the server runs in this process)
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, `wss://${host}:${port}/`], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'c.pem') },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('close', (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), ['open', 'text over tls ☃', 'close 1000'], `${host}: ${r.stderr}`);
    }
    await until(() => closes.length === 2, 'server saw both closes');
    assert.deepEqual(closes, [1000, 1000]);
  });

  test('wss: an untrusted certificate fails with a TLS error code that classify.ts recognises', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rtbench-wsclient-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'],
      { stdio: 'ignore' },
    );
    const server = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) });
    const sockets = new Set<net.Socket>();
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('tlsClientError', () => {});
    // the address `localhost` resolves to (and connects to) first, so both an IP and a name (SNI) are tried
    const { address } = await lookup('localhost');
    await new Promise<void>((r) => server.listen(0, address, () => r()));
    t.after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const { port } = server.address() as net.AddressInfo;
    for (const host of [address.includes(':') ? `[${address}]` : address, 'localhost']) {
      const { rec } = client(t, `wss://${host}:${port}/`);
      await until(() => rec.closed, `${host}: closed`);
      assert.equal(rec.errors.length, 1, host);
      const code = rec.errors[0]!.code ?? '';
      assert.match(code, TLS_CODES, `${host}: ${code}`);
    }
  });
});
