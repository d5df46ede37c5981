/**
 * A cluster worker of the `cluster` and `sticky` topologies: the reference app with a
 * cross-worker adapter (cluster adapter or Redis). Takes connections by listening on the shared
 * port (`listen`), or by socket handoff from a sticky primary (`handoff`). Workers report their
 * Engine.IO session ids to the primary so it can route long-polling requests by `sid`.
 */
import type { Socket } from 'node:net';
import { createAdapter as clusterAdapter } from '@socket.io/cluster-adapter';
import { importOptional } from '../../src/shared/optional.ts';
import { createContext } from '../app/context.ts';
import { AcceptGate, connectionCap } from './accept-gate.ts';
import { createAppServer } from '../app/server.ts';
import { type PrimaryToWorker, statsReply, type WorkerConfig, type WorkerToPrimary } from './messages.ts';

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.RTBENCH_WORKER ?? '{}') as WorkerConfig;
  const ctx = createContext(cfg.topology, cfg.index, cfg.pushRate, cfg.name);
  let adapter;
  if (cfg.adapter === 'redis') {
    // @socket.io/redis-adapter does not catch its publish promises: while Redis is down node-redis
    // rejects them (ECONNRESET, "client is closed"), which would crash the worker. A production
    // server survives a Redis outage, so this one logs once and keeps serving; the adapter
    // resubscribes when Redis is back (node-redis reconnects by itself).
    let logged = false;
    process.on('unhandledRejection', (e) => {
      if (!logged)
        console.error(`[${ctx.identity.id}] Redis adapter error while Redis is unavailable (serving on): ${e instanceof Error ? e.message : String(e)}`);
      logged = true;
    });
    // optional packages, imported only by the Redis adapter (the parent checked they are installed)
    const [{ createAdapter: redisAdapter }, { createClient }] = await Promise.all([
      importOptional('@socket.io/redis-adapter', () => import('@socket.io/redis-adapter')),
      importOptional('redis', () => import('redis')),
    ]);
    const pub = createClient({ url: cfg.redisUrl! });
    const sub = pub.duplicate();
    pub.on('error', () => {});
    sub.on('error', () => {});
    await Promise.all([pub.connect(), sub.connect()]);
    adapter = redisAdapter(pub, sub);
  } else {
    adapter = clusterAdapter();
  }
  const app = createAppServer(ctx, { adapter });
  const send = (m: WorkerToPrimary): void => void process.send?.(m);
  const gate = cfg.mode === 'listen' ? new AcceptGate(app.http, connectionCap(cfg.maxConnections ?? null), cfg.host) : null;

  process.on('message', (msg: PrimaryToWorker, handle?: Socket) => {
    if (msg?.type === 'rtbench:stats') {
      send(statsReply(msg.id, ctx, gate ? { acceptPauses: gate.pauses } : {}));
    } else if (msg?.type === 'rtbench:conn' && handle) {
      app.http.emit('connection', handle);
      if (msg.data) handle.emit('data', Buffer.from(msg.data, 'base64'));
      handle.resume();
    }
  });

  if (gate) {
    const port = await gate.listen(cfg.port);
    send({ type: 'rtbench:listening', port });
  } else {
    // The session id names its slot (`<slot>.<engine.io id>`), so the sticky primary routes a
    // long-polling request by its sid alone. engine.io answers the handshake before its
    // `connection` event, so a client's next poll can reach the primary before the report below:
    // routed by the report, it went to the least-loaded worker and got "Session ID unknown".
    const engine = app.io.engine as unknown as { generateId(req: unknown): string | Promise<string> };
    const baseId = engine.generateId.bind(engine);
    engine.generateId = async (req) => `${cfg.index}.${await baseId(req)}`;
    app.io.engine.on('connection', (s: { id: string; once(ev: 'close', fn: () => void): void }) => {
      send({ type: 'rtbench:sid', sid: s.id, open: true });
      s.once('close', () => send({ type: 'rtbench:sid', sid: s.id, open: false }));
    });
    send({ type: 'rtbench:listening', port: 0 });
  }
}

void main();
