/**
 * A small Socket.IO chat app that rtbench did not write, to load-test as your own server:
 *
 * - namespace `/chat` behind an auth middleware: `auth.token` must start with `secret-` and the
 *   `x-tenant` header must be set, else the handshake is refused with `unauthorized`;
 * - the default namespace `/` is closed at once (clients that forget the namespace get nothing);
 * - `room:join` (acked with the room's member count) and `chat:send` (acked with the number of
 *   deliveries), which fans `chat:message` out to the room with the sender's `sentAt` stamp;
 * - `conn:drop` closes the client's underlying connection, as a network failure would (the
 *   client reconnects by itself, through the middleware again);
 * - its own counters, at `GET /counters` and as `app.counters`, to compare with rtbench's.
 *
 * Run it: `node --import tsx examples/apps/socketio-chat.ts [--port 4120]`, then
 * `npx rtbench run examples/socketio-chat.ts --target http://127.0.0.1:4120/chat`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Server } from 'socket.io';

/** What the app counted itself. */
export interface ChatCounters {
  /** Sockets admitted to `/chat`. */
  connections: number;
  /** Handshakes refused by the middleware. */
  refused: number;
  /** Sockets that reached the default namespace (closed at once). */
  defaultNamespace: number;
  disconnects: number;
  /** `conn:drop` requests (connections closed under the client). */
  drops: number;
  /** Acks sent (room:join and chat:send). */
  acks: number;
  /** `chat:send` messages. */
  messages: number;
  /** `chat:message` packets fanned out (one per room member per message). */
  deliveries: number;
  /** Connections by the handshake's `lang` query parameter (absent: `-`). */
  byLang: Record<string, number>;
  /** Connections by their `key` query parameter (an API key some apps take in the URL), `-` when none. */
  byKey: Record<string, number>;
}

export interface ChatApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  counters: ChatCounters;
  close(): Promise<void>;
}

export interface ChatMessage {
  room: string;
  text: string;
  from: string;
  /** The sender's `Date.now()` when it sent the message. */
  sentAt: number;
}

/** Start the app on `port` (0: any free port), bound to `host` (default 127.0.0.1). */
export async function startChatApp(opts: { port?: number; host?: string } = {}): Promise<ChatApp> {
  const counters: ChatCounters = {
    connections: 0,
    refused: 0,
    defaultNamespace: 0,
    disconnects: 0,
    drops: 0,
    acks: 0,
    messages: 0,
    deliveries: 0,
    byLang: {},
    byKey: {},
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/counters') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(counters));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const io = new Server(server, { transports: ['websocket', 'polling'] });
  io.on('connection', (socket) => {
    counters.defaultNamespace++;
    socket.disconnect(true);
  });
  const chat = io.of('/chat');
  chat.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const tenant = socket.handshake.headers['x-tenant'];
    if (typeof token !== 'string' || !token.startsWith('secret-') || typeof tenant !== 'string' || tenant === '') {
      counters.refused++;
      return next(new Error('unauthorized'));
    }
    socket.data.user = token.slice('secret-'.length);
    next();
  });
  chat.on('connection', (socket) => {
    counters.connections++;
    const lang = typeof socket.handshake.query.lang === 'string' ? socket.handshake.query.lang : '-';
    counters.byLang[lang] = (counters.byLang[lang] ?? 0) + 1;
    const key = typeof socket.handshake.query.key === 'string' ? socket.handshake.query.key : '-';
    counters.byKey[key] = (counters.byKey[key] ?? 0) + 1;
    socket.on('room:join', (room: unknown, ack?: (r: unknown) => void) => {
      if (typeof room !== 'string' || room === '') return ack?.({ ok: false, error: 'room must be a non-empty string' });
      void socket.join(room);
      counters.acks++;
      ack?.({ ok: true, room, members: chat.adapter.rooms.get(room)?.size ?? 0 });
    });
    socket.on('chat:send', (msg: { room?: unknown; text?: unknown; sentAt?: unknown } | null, ack?: (r: unknown) => void) => {
      const room = msg?.room;
      if (typeof room !== 'string' || !socket.rooms.has(room)) return ack?.({ ok: false, error: 'join the room first' });
      const out: ChatMessage = { room, text: String(msg?.text ?? ''), from: String(socket.data.user), sentAt: Number(msg?.sentAt) };
      const members = chat.adapter.rooms.get(room)?.size ?? 0;
      chat.to(room).emit('chat:message', out);
      counters.messages++;
      counters.deliveries += members;
      counters.acks++;
      ack?.({ ok: true, delivered: members });
    });
    socket.on('conn:drop', () => {
      counters.drops++;
      socket.conn.close(); // the transport, not the socket: the client sees "transport close" and reconnects
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
  const app = await startChatApp({ port: i > 0 ? Number(process.argv[i + 1]) : 4120 });
  console.log(`chat app on ${app.url} (namespace /chat; counters at ${app.url}/counters)`);
  process.on('SIGINT', () => void app.close().then(() => process.exit(0)));
}
