import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { monoMs } from '../../src/shared/clock.ts';
import { busy, channelMessage, channelRoom, clamp, nextSeq, serviceDelay, validRoom, type AppContext } from './context.ts';
import { startPush } from './pusher.ts';

interface Conn {
  ws: WebSocket;
  address: string;
  id: string;
  rooms: Set<string>;
  stops: Array<() => void>;
}

/**
 * The reference app over raw WebSocket, JSON frames: `{"e":event,"a":[...],"id"?:n}` in,
 * `{"ack":n,"a":[...]}` and `{"e":event,"a":[...]}` out.
 */
export function createWsApp(ctx: AppContext): { handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void; close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1_000_000, perMessageDeflate: false });
  const rooms = new Map<string, Set<Conn>>();
  let next = 0;
  const send = (c: Conn, msg: unknown): void => {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(msg));
  };

  const handlers: Record<string, (c: Conn, a: unknown[]) => unknown[] | null> = {
    echo: (_c, a) => a,
    whoami: (c) => [{ address: c.address, worker: ctx.identity.id, transport: 'ws' }],
    join: (c, [room]) => {
      if (!validRoom(room)) return [{ error: 'room must be a non-empty string of at most 200 characters' }];
      c.rooms.add(room);
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room)!.add(c);
      return [{ room, worker: ctx.identity.id }];
    },
    leave: (c, [room]) => {
      if (!validRoom(room)) return [{ error: 'room must be a non-empty string of at most 200 characters' }];
      leaveRoom(c, room);
      return [{ room }];
    },
    broadcast: (c, [room, payload]) => {
      if (!validRoom(room)) return [{ error: 'room must be a non-empty string of at most 200 characters' }];
      const p = (payload && typeof payload === 'object' ? payload : {}) as { ts?: unknown; data?: unknown };
      const seq = nextSeq(ctx, room);
      const frame = JSON.stringify({
        e: 'broadcast',
        a: [{ room, seq, ts: p.ts, from: c.id, origin: `${ctx.identity.id}@${ctx.identity.pid}`, data: p.data }],
      });
      for (const m of rooms.get(room) ?? []) if (m.ws.readyState === m.ws.OPEN) m.ws.send(frame);
      return [{ seq, worker: ctx.identity.id }];
    },
    subscribe: (c, [channel]) => {
      if (!validRoom(channel)) return [{ error: 'channel must be a non-empty string of at most 200 characters' }];
      handlers.join!(c, [channelRoom(channel)]);
      return [{ channel, worker: ctx.identity.id }];
    },
    unsubscribe: (c, [channel]) => {
      if (!validRoom(channel)) return [{ error: 'channel must be a non-empty string of at most 200 characters' }];
      leaveRoom(c, channelRoom(channel));
      return [{ channel }];
    },
    publish: (_c, [channel, payload]) => {
      if (!validRoom(channel)) return [{ error: 'channel must be a non-empty string of at most 200 characters' }];
      const msg = channelMessage(ctx, channel, payload);
      const frame = JSON.stringify({ e: 'publish', a: [msg] });
      for (const m of rooms.get(channelRoom(channel)) ?? []) if (m.ws.readyState === m.ws.OPEN) m.ws.send(frame);
      return [{ seq: msg.seq, worker: ctx.identity.id }];
    },
    push: (c, [opts]) => {
      const o = (opts && typeof opts === 'object' ? opts : {}) as { rate?: unknown; count?: unknown };
      c.stops.push(startPush((m) => send(c, { e: 'push', a: [m] }), clamp(o.rate, 1, 1000, 10), clamp(o.count, 1, 100_000, 10)));
      return [{ ok: true }];
    },
    work: (_c, [opts]) => {
      busy(clamp((opts as { ms?: unknown } | null)?.ms, 0, 1000, 0));
      return [{ worker: ctx.identity.id }];
    },
  };

  function leaveRoom(c: Conn, room: string): void {
    c.rooms.delete(room);
    const set = rooms.get(room);
    set?.delete(c);
    if (set && set.size === 0) rooms.delete(room);
  }

  wss.on('connection', (ws, req: IncomingMessage) => {
    const c: Conn = { ws, address: req.socket.remoteAddress ?? '', id: `ws-${ctx.identity.id}-${++next}`, rooms: new Set(), stops: [] };
    ctx.stats.ws++;
    ctx.stats.total++;
    send(c, { e: 'welcome', a: [{ worker: ctx.identity, topology: ctx.topology, ts: monoMs() }] });
    if (ctx.pushRate > 0) c.stops.push(startPush((m) => send(c, { e: 'push', a: [m] }), ctx.pushRate, Infinity));
    ws.on('message', (data) => {
      if (ctx.delayMs > 0 || ctx.serviceMs > 0) return void setTimeout(() => onMessage(data), ctx.delayMs + (ctx.serviceMs > 0 ? serviceDelay(ctx) : 0));
      onMessage(data);
    });
    const onMessage = (data: unknown): void => {
      ctx.stats.messages++;
      let msg: { e?: unknown; a?: unknown; id?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return send(c, { e: 'error', a: [{ message: 'malformed JSON frame' }] });
      }
      const handler = typeof msg.e === 'string' && Object.hasOwn(handlers, msg.e) ? handlers[msg.e] : undefined;
      if (!handler) return send(c, { e: 'error', a: [{ message: `unknown event ${JSON.stringify(msg.e)}` }] });
      const reply = handler(c, Array.isArray(msg.a) ? msg.a : []);
      if (typeof msg.id === 'number' && reply) send(c, { ack: msg.id, a: reply });
    };
    ws.on('close', () => {
      ctx.stats.ws--;
      for (const r of [...c.rooms]) leaveRoom(c, r);
      for (const stop of c.stops) stop();
    });
  });

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
