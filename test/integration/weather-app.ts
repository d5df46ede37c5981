/**
 * Apps written for the foul-weather tests (test/integration/foul-weather.test.ts), each keeping its
 * own truth to compare rtbench's counts with:
 *
 * - a Socket.IO app, connection-state recovery on or off: clients name themselves (`auth.client`),
 *   `join` a room (acked); a ticker emits `tick { room, seq, ts: Date.now() }` into every room
 *   with its own per-room sequence; the app counts unexpected disconnects, recovered and fresh
 *   reconnections, and for each fresh client the ticks its room got while it was away (from the
 *   server's disconnect to its `join` again);
 * - a raw `ws` app speaking rtbench's reference frames (`{"e","a","id"}`, acks `{"ack","a"}`), or
 *   with `raw` its own frames (`{"type":"join","room"}` → `{"type":"joined"}`, ticks
 *   `{"type":"tick",…}`), clients named by the `client` query parameter; no recovery: every
 *   reconnection is fresh.
 *
 * Both measure, for the slow-reader test, the most bytes waiting in user space on any client's socket.
 */
import http from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WeatherTruth {
  connections: number;
  /** Disconnects the clients did not ask for (transport close, ping timeout, …). */
  disconnects: number;
  recovered: number;
  fresh: number;
  /** Ticks each fresh client's room got while it was away, summed. */
  missed: number;
  /** Ticks emitted, all rooms. */
  ticks: number;
  /** Most bytes queued in user space on one client's socket (Socket.IO's / ws's write buffer). */
  maxBuffered: number;
  /** Each unexpected disconnect's reason, counted. */
  reasons: Record<string, number>;
}

export interface WeatherApp {
  url: string;
  truth: WeatherTruth;
  close(): Promise<void>;
}

export interface WeatherOptions {
  /** Socket.IO connection-state recovery (default off). */
  recovery?: boolean;
  /** Engine.IO heartbeat (ms). Default 25 s / 20 s. */
  pingInterval?: number;
  pingTimeout?: number;
  /** Tick period (ms) and payload size (bytes). Default 20 ms, none. */
  tickMs?: number;
  payload?: number;
  rooms?: string[];
}

interface Away {
  room: string | null;
  /** The room's sequence when the server saw the client go. */
  at: number;
}

function base(o: WeatherOptions): { truth: WeatherTruth; seq: Map<string, number>; away: Map<string, Away>; rooms: string[]; pad: string } {
  return {
    truth: { connections: 0, disconnects: 0, recovered: 0, fresh: 0, missed: 0, ticks: 0, maxBuffered: 0, reasons: {} },
    seq: new Map(),
    away: new Map(),
    rooms: o.rooms ?? ['r0', 'r1', 'r2'],
    pad: 'x'.repeat(o.payload ?? 0),
  };
}

const listen = (server: http.Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** A Socket.IO app with rooms, a per-room ticker and its own truth. */
export async function startSocketIoWeather(o: WeatherOptions = {}): Promise<WeatherApp> {
  const { truth, seq, away, rooms, pad } = base(o);
  const server = http.createServer();
  const io = new Server(server, {
    ...(o.recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true } } : {}),
    ...(o.pingInterval ? { pingInterval: o.pingInterval, pingTimeout: o.pingTimeout ?? o.pingInterval } : {}),
  });
  const roomOf = new Map<string, string>();
  io.on('connection', (socket: Socket) => {
    const client = String(socket.handshake.auth.client ?? socket.id);
    if (socket.recovered) truth.recovered++;
    else if (away.has(client)) truth.fresh++;
    else truth.connections++;
    if (socket.recovered) away.delete(client);
    socket.on('join', (room: string, ack: (r: unknown) => void) => {
      void socket.join(room);
      roomOf.set(client, room);
      const a = away.get(client);
      if (a && a.room === room) truth.missed += (seq.get(room) ?? 0) - a.at;
      away.delete(client);
      ack({ room });
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'client namespace disconnect' || reason === 'server shutting down') return;
      truth.disconnects++;
      truth.reasons[reason] = (truth.reasons[reason] ?? 0) + 1;
      const room = roomOf.get(client) ?? null;
      away.set(client, { room, at: room ? (seq.get(room) ?? 0) : 0 });
    });
  });
  const ticker = setInterval(() => {
    for (const room of rooms) {
      const n = (seq.get(room) ?? 0) + 1;
      seq.set(room, n);
      truth.ticks++;
      io.to(room).emit('tick', { room, seq: n, ts: Date.now(), pad });
    }
    for (const s of io.of('/').sockets.values()) {
      const raw = (s.conn as unknown as { transport?: { socket?: { _socket?: NetSocket } } }).transport?.socket?._socket;
      if (raw) truth.maxBuffered = Math.max(truth.maxBuffered, raw.writableLength);
    }
  }, o.tickMs ?? 20);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    truth,
    async close() {
      clearInterval(ticker);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** A raw WebSocket app with the same rooms, ticker and truth (no recovery). */
export async function startWsWeather(o: WeatherOptions = {}): Promise<WeatherApp> {
  const { truth, seq, away, rooms, pad } = base(o);
  const server = http.createServer();
  const wss = new WebSocketServer({ server, path: '/' });
  const members = new Map<string, Set<WebSocket>>();
  const raw = new WeakSet<WebSocket>();
  wss.on('connection', (ws, req) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const client = q.get('client') ?? String(Math.random());
    if (q.get('raw') === '1') raw.add(ws);
    if (away.has(client)) truth.fresh++;
    else truth.connections++;
    let room: string | null = null;
    let closing = false;
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { e?: string; a?: unknown[]; id?: number; type?: string; room?: string };
      if (m.e === 'bye' || m.type === 'bye') return void (closing = true);
      const joinRoom = m.e === 'join' ? String(m.a?.[0]) : m.type === 'join' ? String(m.room) : null;
      if (joinRoom === null) return;
      room = joinRoom;
      if (!members.has(room)) members.set(room, new Set());
      members.get(room)!.add(ws);
      const a = away.get(client);
      if (a && a.room === room) truth.missed += (seq.get(room) ?? 0) - a.at;
      away.delete(client);
      ws.send(raw.has(ws) ? JSON.stringify({ type: 'joined', room }) : JSON.stringify({ ack: m.id, a: [{ room }] }));
    });
    ws.on('close', (code) => {
      if (room) members.get(room)?.delete(ws);
      // a connection that never joined is a reconnection attempt the client gave up as its session ended, not a drop
      if (closing || code === 1000 || code === 1005 || room === null) return;
      truth.disconnects++;
      truth.reasons[String(code)] = (truth.reasons[String(code)] ?? 0) + 1;
      away.set(client, { room, at: room ? (seq.get(room) ?? 0) : 0 });
    });
    ws.on('error', () => {});
  });
  const ticker = setInterval(() => {
    for (const room of rooms) {
      const n = (seq.get(room) ?? 0) + 1;
      seq.set(room, n);
      truth.ticks++;
      const t = { room, seq: n, ts: Date.now(), pad };
      const ref = JSON.stringify({ e: 'tick', a: [t] });
      const own = JSON.stringify({ type: 'tick', ...t });
      for (const ws of members.get(room) ?? []) if (ws.readyState === ws.OPEN) ws.send(raw.has(ws) ? own : ref);
    }
  }, o.tickMs ?? 20);
  const port = await listen(server);
  return {
    url: `ws://127.0.0.1:${port}/`,
    truth,
    async close() {
      clearInterval(ticker);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
