import http from 'node:http';
import socketClusterServer, { type AGRequest, type AGServer, type AGServerSocket } from 'socketcluster-server';
import AGAction from 'socketcluster-server/action.js';
import { monoMs } from '../../src/shared/clock.ts';
import { handleAdmin } from '../app/admin.ts';
import { busy, channelMessage, clamp, type AppContext } from '../app/context.ts';
import { startPush } from '../app/pusher.ts';
import { listenOn, MAX_MESSAGE_BYTES } from '../app/server.ts';

/** One SocketCluster server of the reference app: HTTP (admin) and socketcluster-server on /socketcluster/. */
export interface ScAppServer {
  http: http.Server;
  ag: AGServer;
  ctx: AppContext;
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The reference app on socketcluster-server v20, the same behaviour as the Socket.IO app in
 * SocketCluster's idiom: `welcome` is transmitted on connect (the worker identity), `echo`,
 * `whoami`, `work` and `push` are procedures (answered by `invoke`), and channels are
 * SocketCluster's own. An inbound middleware stamps every publish with the worker's per-channel
 * sequence number and origin, so subscribers can count gaps and duplicates across workers.
 */
export function createScAppServer(ctx: AppContext, options: { pingInterval?: number; pingTimeout?: number } = {}): ScAppServer {
  const server = http.createServer((req, res) => {
    if (handleAdmin(ctx, () => 0, req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('rtbench reference server (SocketCluster): /socketcluster/, admin on /__rtbench/\n');
  });
  const ag = socketClusterServer.attach(server, { maxPayload: MAX_MESSAGE_BYTES, socketChannelLimit: null, ...options });
  ag.setMiddleware(ag.MIDDLEWARE_INBOUND, async (stream) => {
    for await (const action of stream) {
      ctx.stats.messages++;
      if (action.type === AGAction.PUBLISH_IN && typeof action.channel === 'string') {
        const { seq, ts, origin, data } = channelMessage(ctx, action.channel, action.data);
        action.allow({ data: { seq, ts, origin, data } });
      } else action.allow();
    }
  });
  void (async () => {
    for await (const { socket } of ag.listener('connection')) onConnection(ctx, socket);
  })();
  void (async () => {
    for await (const _ of ag.listener('error')) {
      // a client's malformed or refused action: the server answers it; nothing to do here
    }
  })();
  return {
    http: server,
    ag,
    ctx,
    listen: (host, port) => listenOn(server, host, port),
    async close() {
      for (const s of Object.values(ag.clients)) s.disconnect(1001, 'server closing');
      await ag.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function onConnection(ctx: AppContext, socket: AGServerSocket): void {
  ctx.stats.ws++;
  ctx.stats.total++;
  const stops: Array<() => void> = [];
  const push = (rate: number, count: number): void => void stops.push(startPush((m) => void socket.transmit('push', m).catch(() => {}), rate, count));
  void socket.transmit('welcome', { worker: ctx.identity, topology: ctx.topology, ts: monoMs() }).catch(() => {});
  if (ctx.pushRate > 0) push(ctx.pushRate, Infinity);
  const procedure = (name: string, answer: (req: AGRequest) => unknown): void => {
    void (async () => {
      for await (const req of socket.procedure(name)) req.end(answer(req));
    })();
  };
  procedure('echo', (req) => req.data);
  procedure('whoami', () => ({ address: socket.remoteAddress, worker: ctx.identity.id, transport: 'socketcluster' }));
  procedure('work', (req) => {
    busy(clamp((req.data as { ms?: unknown } | null)?.ms, 0, 1000, 0));
    return { worker: ctx.identity.id };
  });
  procedure('push', (req) => {
    const o = (req.data && typeof req.data === 'object' ? req.data : {}) as { rate?: unknown; count?: unknown };
    push(clamp(o.rate, 1, 1000, 10), clamp(o.count, 1, 100_000, 10));
    return { ok: true };
  });
  void socket
    .listener('close')
    .once()
    .then(() => {
      ctx.stats.ws--;
      for (const stop of stops) stop();
    });
}
