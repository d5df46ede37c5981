/**
 * A Socket.IO app that speaks MessagePack (socket.io-msgpack-parser, a common production choice
 * for smaller frames and binary payloads), to load-test as your own server:
 *
 * - `echo` (acked): answers with its arguments as they came, binary included;
 * - `blob` (acked): answers with `{ bytes, sha }` of a binary payload (length and a checksum);
 * - `frame` (acked with nothing): pushes `frame` events back to the sender, each a Buffer of `size`
 *   bytes whose first 4 bytes are its index;
 * - its own counters, at `GET /counters` and as `app.counters`, to compare with rtbench's.
 *
 * A client with Socket.IO's default parser cannot talk to it (the server closes its connection
 * after the Engine.IO handshake): rtbench says so and names `connect: { parser: 'msgpack' }`.
 *
 * Run it: `node --import tsx examples/apps/socketio-msgpack.ts [--port 4140]`, then
 * `npx rtbench run examples/socketio-msgpack.ts --target http://127.0.0.1:4140`.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';

/** What the app counted itself. */
export interface MsgpackCounters {
  connections: number;
  disconnects: number;
  /** `echo` acks sent. */
  echoes: number;
  /** `blob` acks sent, and the bytes they covered. */
  blobs: number;
  blobBytes: number;
  /** `frame` events pushed. */
  frames: number;
}

export interface MsgpackApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  counters: MsgpackCounters;
  close(): Promise<void>;
}

/** Start the app on `port` (0: any free port), bound to `host` (default 127.0.0.1). */
export async function startMsgpackApp(opts: { port?: number; host?: string } = {}): Promise<MsgpackApp> {
  const counters: MsgpackCounters = { connections: 0, disconnects: 0, echoes: 0, blobs: 0, blobBytes: 0, frames: 0 };
  const server = http.createServer((req, res) => {
    if (req.url === '/counters') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(counters));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const io = new Server(server, { parser: msgpackParser, transports: ['websocket'] });
  io.on('connection', (socket) => {
    counters.connections++;
    socket.on('echo', (...args: unknown[]) => {
      const ack = args.pop();
      if (typeof ack !== 'function') return;
      counters.echoes++;
      ack(...args);
    });
    socket.on('blob', (data: unknown, ack?: (r: unknown) => void) => {
      if (typeof ack !== 'function') return;
      if (!Buffer.isBuffer(data)) return ack({ error: 'blob must be binary' });
      counters.blobs++;
      counters.blobBytes += data.length;
      ack({ bytes: data.length, sha: createHash('sha256').update(data).digest('hex') });
    });
    socket.on('frame', (req: { count?: unknown; size?: unknown } | null, ack?: () => void) => {
      const count = Math.min(1000, Math.max(0, Number(req?.count) || 0));
      const size = Math.min(1 << 20, Math.max(4, Number(req?.size) || 4));
      ack?.();
      for (let i = 0; i < count; i++) {
        const b = Buffer.alloc(size, i & 0xff);
        b.writeUInt32BE(i, 0);
        socket.emit('frame', b);
        counters.frames++;
      }
    });
    socket.on('disconnect', () => counters.disconnects++);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        io.disconnectSockets(true);
        void io.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--port');
  const app = await startMsgpackApp({ port: i > 0 ? Number(process.argv[i + 1]) : 4140 });
  console.log(`msgpack Socket.IO app on ${app.url} (counters at ${app.url}/counters)`);
  process.on('SIGINT', () => void app.close().then(() => process.exit(0)));
}
