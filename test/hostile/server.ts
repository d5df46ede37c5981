/**
 * Hostile servers, one per process (forked by test/hostile/harness.ts, killed by PID): each
 * listens on 127.0.0.1 port 0, sends `{ port }` over IPC, answers `'stats'` with its counters,
 * and exits on its own after 60 s at most (bounded even if the test runner dies).
 *
 * Kinds:
 *   sio-never-ack   Socket.IO: counts `echo` events, never acks them
 *   sio-drop        Socket.IO: on `echo`, counts it and drops the client (no ack)
 *   sio-flood       Socket.IO: on connect, emits FLOOD `push` events `{ seq, ts }` (ts on the monotonic clock) as fast as it can
 *   sio-datenow     Socket.IO: on connect, emits 20 `push` events stamped with Date.now() (wall clock)
 *   sio-big         Socket.IO: on connect, emits one `big` event carrying a 20 MB string
 *   ws-big          WebSocket: on connect, sends one 20 MB text frame
 *   ws-malformed-K  WebSocket (hand-written upgrade): on the first frame from the client, sends a malformed frame of kind K
 *   http-500        HTTP: 500 to every request (upgrades too)
 *   garbage         TCP: writes bytes that are not HTTP, then closes
 *   silent          TCP: accepts and never answers
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

const kind = process.argv[2] ?? '';
const FLOOD = Number(process.env.HOSTILE_FLOOD ?? 2000);
const counters: Record<string, number> = {};
const count = (k: string, n = 1): void => void (counters[k] = (counters[k] ?? 0) + n);
const sockets = new Set<net.Socket>();
const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

function track(server: net.Server | http.Server): void {
  server.on('connection', (s: net.Socket) => {
    count('tcp');
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
}

function socketIo(onConnect: (s: import('socket.io').Socket) => void): http.Server {
  const h = http.createServer();
  const io = new Server(h, { transports: ['websocket', 'polling'] });
  io.on('connection', (s) => {
    count('connections');
    onConnect(s);
  });
  return h;
}

/** A malformed server→client frame, by kind (RFC 6455 §5.2). */
function malformed(k: string): Buffer {
  switch (k) {
    case 'opcode': // reserved opcode 0x3
      return Buffer.from([0x83, 0x00]);
    case 'rsv': // RSV1 set, no extension negotiated
      return Buffer.from([0xc1, 0x01, 0x61]);
    case 'masked': // a server must not mask
      return Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61 ^ 1]);
    case 'utf8': // a text frame that is not UTF-8
      return Buffer.from([0x81, 0x02, 0xc3, 0x28]);
    case 'length': // a 64-bit length with the most significant bit set (2^63 and more are not allowed)
      return Buffer.from([0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    default:
      throw new Error(`unknown malformed kind ${k}`);
  }
}

/** The number of complete client (masked) frames at the start of `b`, and the bytes they take. */
function clientFrames(b: Buffer): { frames: number; used: number } {
  let at = 0;
  let frames = 0;
  while (b.length - at >= 2) {
    let len = b[at + 1]! & 0x7f;
    let head = 2;
    if (len === 126) {
      if (b.length - at < 4) break;
      len = b.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (b.length - at < 10) break;
      len = Number(b.readBigUInt64BE(at + 2));
      head = 10;
    }
    const size = head + 4 + len;
    if (b.length - at < size) break;
    at += size;
    frames++;
  }
  return { frames, used: at };
}

const text = (t: string): Buffer => Buffer.concat([Buffer.from([0x81, t.length]), Buffer.from(t)]);

/**
 * A WebSocket server written by hand, so it can break the protocol: after the upgrade (and with
 * `HOSTILE_EIO=1`, Engine.IO's open packet and Socket.IO's CONNECT answer, so a Socket.IO client
 * gets connected), the client's next frame (its emitWithAck) is answered with a malformed frame.
 * Plain HTTP requests (a pre-run check's polling GET) get Engine.IO's "Transport unknown" (400).
 */
function wsMalformed(k: string): net.Server {
  const frame = malformed(k);
  const eio = process.env.HOSTILE_EIO === '1';
  return net.createServer((s) => {
    let head = '';
    let upgraded = false;
    let pending = Buffer.alloc(0);
    let seen = 0;
    s.on('error', () => {});
    s.on('data', (b: Buffer) => {
      if (!upgraded) {
        head += b.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1];
        if (!key) {
          count('http');
          const body = '{"code":0,"message":"Transport unknown"}';
          return void s.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        }
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        if (eio) s.write(text('0{"sid":"hostile","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'));
        upgraded = true;
        count('upgrades');
        b = Buffer.from(head.slice(end + 4), 'latin1');
      }
      pending = Buffer.concat([pending, b]);
      const { frames, used } = clientFrames(pending);
      pending = pending.subarray(used);
      for (let i = 0; i < frames; i++) {
        seen++;
        // Socket.IO: the first frame is the namespace CONNECT (`40`): answer it; the next is the event
        if (eio && seen === 1) s.write(text('40{"sid":"hostile-nsp"}'));
        else if (seen === (eio ? 2 : 1)) {
          count('malformed');
          s.write(frame);
        }
      }
    });
  });
}

function build(): net.Server | http.Server {
  if (kind.startsWith('ws-malformed-')) return wsMalformed(kind.slice('ws-malformed-'.length));
  switch (kind) {
    case 'sio-never-ack':
      return socketIo((s) => s.on('echo', () => count('echo')));
    case 'sio-drop':
      return socketIo((s) =>
        s.on('echo', () => {
          count('echo');
          s.disconnect(true);
        }),
      );
    case 'sio-flood':
      return socketIo((s) => {
        for (let seq = 1; seq <= FLOOD; seq++) s.emit('push', { seq, ts: monoMs() });
        count('pushes', FLOOD);
        s.emit('done');
      });
    case 'sio-datenow':
      return socketIo((s) => {
        for (let seq = 1; seq <= 20; seq++) s.emit('push', { seq, ts: Date.now() });
        count('pushes', 20);
        s.emit('done');
      });
    case 'sio-big': {
      const big = 'x'.repeat(20 * 1024 * 1024);
      return socketIo((s) => {
        s.emit('big', big);
        count('sent');
      });
    }
    case 'ws-big': {
      const h = http.createServer();
      const wss = new WebSocketServer({ server: h });
      const big = 'x'.repeat(20 * 1024 * 1024);
      wss.on('connection', (ws) => {
        count('connections');
        ws.send(big, (err) => {
          if (!err) count('sent'); // the pre-run check's upgrade closes at once: its copy fails
        });
      });
      return h;
    }
    case 'http-500':
      return http
        .createServer((req, res) => {
          count('requests');
          req.resume();
          res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
        })
        .on('upgrade', (_req, s: net.Socket) => {
          count('requests');
          s.end('HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 21\r\nConnection: close\r\n\r\nInternal Server Error');
        });
    case 'garbage':
      return net.createServer((s) => {
        s.on('error', () => {});
        s.end(Buffer.from('\x00\xffSSH-2.0-not-http\r\n\x01\x02\x03 garbage garbage garbage\r\n'));
      });
    case 'silent':
      return net.createServer((s) => {
        s.on('error', () => {});
        s.on('data', () => count('bytes'));
      });
    default:
      throw new Error(`unknown hostile server kind: ${kind}`);
  }
}

const server = build();
track(server);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ stats: counters });
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), 60_000).unref();
