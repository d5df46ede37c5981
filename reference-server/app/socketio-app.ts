import type { Server, Socket } from 'socket.io';
import { monoMs } from '../../src/shared/clock.ts';
import { busy, channelMessage, channelRoom, clamp, nextSeq, serviceDelay, validRoom, type AppContext } from './context.ts';
import { startPush } from './pusher.ts';

type Ack = ((...args: unknown[]) => void) | undefined;
const ackOf = (args: unknown[]): Ack => (typeof args[args.length - 1] === 'function' ? (args.pop() as Ack) : undefined);

/**
 * Where `echo`, `work` and `broadcast` run when they do not run here: the router topology's
 * frontends send them to backend workers. The delegate answers with the ack arguments; a
 * broadcast's fan-out then comes back through the frontend's own delivery path.
 */
export interface AppDelegate {
  call(method: 'echo' | 'work' | 'broadcast', args: unknown[], from: string): Promise<unknown[]>;
}

/** Attach the reference app (echo, rooms, broadcast, push, work, welcome) to a socket.io server. */
export function attachSocketIoApp(io: Server, ctx: AppContext, delegate?: AppDelegate): void {
  const remote = (socket: Socket, method: 'echo' | 'work' | 'broadcast', args: unknown[], ack: Ack): void => {
    delegate!.call(method, args, socket.id).then(
      (reply) => ack?.(...reply),
      (e: Error) => ack?.({ error: e.message }),
    );
  };
  io.on('connection', (socket: Socket) => {
    ctx.stats.socketio++;
    ctx.stats.total++;
    const stops: Array<() => void> = [];
    socket.onAny(() => {
      ctx.stats.messages++;
    });
    if (ctx.delayMs > 0) socket.use((_packet, next) => void setTimeout(next, ctx.delayMs));
    if (ctx.serviceMs > 0) socket.use((_packet, next) => void setTimeout(next, serviceDelay(ctx)));
    socket.emit('welcome', { worker: ctx.identity, topology: ctx.topology, ts: monoMs() });
    if (ctx.pushRate > 0) stops.push(startPush((m) => socket.emit('push', m), ctx.pushRate, Infinity));

    socket.on('echo', (...args: unknown[]) => {
      const ack = ackOf(args);
      if (delegate) remote(socket, 'echo', args, ack);
      else ack?.(...args);
    });
    socket.on('whoami', (ack?: Ack) => {
      ack?.({ address: socket.handshake.address, worker: ctx.identity.id, transport: socket.conn.transport.name });
    });
    socket.on('join', (room: unknown, ack?: Ack) => {
      if (!validRoom(room)) return ack?.({ error: 'room must be a non-empty string of at most 200 characters' });
      void socket.join(room);
      ack?.({ room, worker: ctx.identity.id });
    });
    socket.on('leave', (room: unknown, ack?: Ack) => {
      if (!validRoom(room)) return ack?.({ error: 'room must be a non-empty string of at most 200 characters' });
      void socket.leave(room);
      ack?.({ room });
    });
    socket.on('broadcast', (room: unknown, payload: unknown, ack?: Ack) => {
      if (typeof payload === 'function') [payload, ack] = [undefined, payload as Ack];
      if (!validRoom(room)) return ack?.({ error: 'room must be a non-empty string of at most 200 characters' });
      if (delegate) return remote(socket, 'broadcast', [room, payload], ack);
      const p = (payload && typeof payload === 'object' ? payload : {}) as { ts?: unknown; data?: unknown };
      const seq = nextSeq(ctx, room);
      io.to(room).emit('broadcast', { room, seq, ts: p.ts, from: socket.id, origin: `${ctx.identity.id}@${ctx.identity.pid}`, data: p.data });
      ack?.({ seq, worker: ctx.identity.id });
    });
    socket.on('subscribe', (channel: unknown, ack?: Ack) => {
      if (!validRoom(channel)) return ack?.({ error: 'channel must be a non-empty string of at most 200 characters' });
      void socket.join(channelRoom(channel));
      ack?.({ channel, worker: ctx.identity.id });
    });
    socket.on('unsubscribe', (channel: unknown, ack?: Ack) => {
      if (!validRoom(channel)) return ack?.({ error: 'channel must be a non-empty string of at most 200 characters' });
      void socket.leave(channelRoom(channel));
      ack?.({ channel });
    });
    socket.on('publish', (channel: unknown, payload: unknown, ack?: Ack) => {
      if (typeof payload === 'function') [payload, ack] = [undefined, payload as Ack];
      if (!validRoom(channel)) return ack?.({ error: 'channel must be a non-empty string of at most 200 characters' });
      // on `router` the backends sequence it as a broadcast into the channel's room; frontends deliver it as `publish`
      if (delegate) return remote(socket, 'broadcast', [channelRoom(channel), payload], ack);
      const msg = channelMessage(ctx, channel, payload);
      io.to(channelRoom(channel)).emit('publish', msg);
      ack?.({ seq: msg.seq, worker: ctx.identity.id });
    });
    socket.on('push', (opts: unknown, ack?: Ack) => {
      const o = (opts && typeof opts === 'object' ? opts : {}) as { rate?: unknown; count?: unknown };
      stops.push(startPush((m) => socket.emit('push', m), clamp(o.rate, 1, 1000, 10), clamp(o.count, 1, 100_000, 10)));
      ack?.({ ok: true });
    });
    socket.on('work', (opts: unknown, ack?: Ack) => {
      if (delegate) return remote(socket, 'work', [opts], ack);
      busy(clamp((opts as { ms?: unknown } | null)?.ms, 0, 1000, 0));
      ack?.({ worker: ctx.identity.id });
    });
    socket.on('disconnect', () => {
      ctx.stats.socketio--;
      for (const stop of stops) stop();
    });
  });
}
