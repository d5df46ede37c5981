import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackAddress } from '../../src/shared/net.ts';
import { monoMs } from '../../src/shared/clock.ts';
import { busy, type AppContext } from './context.ts';

const PREFIX = '/__rtbench/';

/**
 * Admin endpoints of the reference app, loopback clients only:
 * `GET /__rtbench/stats`, `GET /__rtbench/health`, `POST /__rtbench/stall?ms=N`.
 * `GET /__rtbench/time` answers every client: `{ mono, wall }`, the server's monotonic clock (the one
 * its push timestamps use) and its wall clock, both in ms; shards estimate their clock offset with it.
 * Returns false when the request is not for it.
 */
export function handleAdmin(ctx: AppContext, rooms: () => number, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  if (!url.pathname.startsWith(PREFIX)) return false;
  const json = (code: number, body: unknown): void => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && url.pathname === `${PREFIX}time`) {
    // the clock a shard compares itself with (NTP-style round trips); harmless, so any client may ask
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ mono: monoMs(), wall: Date.now() }));
    return true;
  }
  if (!isLoopbackAddress(req.socket.remoteAddress ?? '')) {
    json(403, { error: 'admin endpoints answer loopback clients only' });
    return true;
  }
  const route = `${req.method} ${url.pathname.slice(PREFIX.length)}`;
  if (route === 'GET stats') {
    json(200, {
      worker: ctx.identity,
      topology: ctx.topology,
      connections: { socketio: ctx.stats.socketio, ws: ctx.stats.ws },
      totalConnections: ctx.stats.total,
      messages: ctx.stats.messages,
      rooms: rooms(),
    });
  } else if (route === 'GET health') {
    json(200, { ok: true });
  } else if (route === 'POST stall') {
    const ms = Math.min(10_000, Math.max(0, Number(url.searchParams.get('ms') ?? 0) || 0));
    json(200, { ok: true, ms });
    res.once('finish', () => setImmediate(() => busy(ms)));
  } else {
    json(404, { error: `no admin route ${route}` });
  }
  return true;
}
