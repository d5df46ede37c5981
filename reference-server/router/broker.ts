/**
 * The router process (SocketStream 0.2's `router`): the only process that binds fixed ports.
 * Frontends (DEALER) send RPC requests to its frontend ROUTER socket; it deals them to live
 * backends (DEALER, registered by `hello`/heartbeats) round-robin on its backend ROUTER socket,
 * and routes replies back. Backends' room broadcasts arrive as `pub` and go out on PUB to every
 * frontend. argv[2]: JSON { fePort, bePort, pubPort }.
 */
import { Publisher, Router } from 'zeromq';
import { sendQueue } from './zmq-send.ts';

const HEARTBEAT_TIMEOUT_MS = 3000;
const WAIT_MS = 2000;

async function main(): Promise<void> {
  const { fePort, bePort, pubPort } = JSON.parse(process.argv[2] ?? '{}') as { fePort: number; bePort: number; pubPort: number };
  const fe = new Router();
  const be = new Router();
  const pub = new Publisher();
  // port 0: any free port (ZeroMQ's `*`), reported in the ready message. The first start binds
  // that way, so no port is probed, closed and then taken by someone else before the bind; a
  // restart binds the ports its clients already know.
  const endpoint = (port: number): string => `tcp://127.0.0.1:${port || '*'}`;
  await Promise.all([fe.bind(endpoint(fePort)), be.bind(endpoint(bePort)), pub.bind(endpoint(pubPort))]);
  const bound = (s: { lastEndpoint: string | null }): number => Number(/:(\d+)$/.exec(s.lastEndpoint ?? '')?.[1] ?? 0);
  const toFe = sendQueue(fe);
  const toBe = sendQueue(be);
  const toPub = sendQueue(pub);
  const backends = new Map<string, { id: Buffer; seen: number }>();
  let next = 0;
  const live = (): Array<{ id: Buffer; seen: number }> => {
    const now = Date.now();
    for (const [k, b] of backends) if (now - b.seen > HEARTBEAT_TIMEOUT_MS) backends.delete(k);
    return [...backends.values()];
  };
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', ports: { fePort: bound(fe), bePort: bound(be), pubPort: bound(pub) } });

  // requests that arrived while no backend was known (e.g. right after a router restart, before
  // the backends' next heartbeat): dealt as soon as one shows up, refused after WAIT_MS
  const waiting: Array<{ frames: [Buffer, Buffer, Buffer]; at: number }> = [];
  const deal = (feId: Buffer, reqId: Buffer, payload: Buffer): boolean => {
    const list = live();
    if (list.length === 0) return false;
    toBe([list[next++ % list.length]!.id, feId, reqId, payload]);
    return true;
  };
  setInterval(() => {
    while (waiting.length && Date.now() - waiting[0]!.at > WAIT_MS) {
      const [feId, reqId] = waiting.shift()!.frames;
      toFe([feId, reqId, JSON.stringify([{ error: 'no backend available' }])]);
    }
  }, 100).unref();

  void (async () => {
    for await (const [beId, kind, ...rest] of be) {
      const k = kind!.toString();
      if (k === 'hello' || k === 'hb') {
        backends.set(beId!.toString('hex'), { id: beId!, seen: Date.now() });
        while (waiting.length && deal(...waiting[0]!.frames)) waiting.shift();
      } else if (k === 'bye') backends.delete(beId!.toString('hex'));
      else if (k === 'pub') toPub(['room', rest[0]!]);
      else if (k === 'rep') toFe([rest[0]!, rest[1]!, rest[2]!]); // [frontend id, request id, reply]
    }
  })();
  for await (const [feId, reqId, payload] of fe) {
    if (waiting.length > 0 || !deal(feId!, reqId!, payload!)) {
      if (waiting.length < 100_000) waiting.push({ frames: [feId!, reqId!, payload!], at: Date.now() });
    }
  }
}

void main();
