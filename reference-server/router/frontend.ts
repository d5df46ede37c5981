/**
 * A frontend process (SocketStream 0.2's `frontend`): owns the Socket.IO connections, keeps rooms
 * locally, and sends `echo`, `work` and `broadcast` as RPC requests to the router (DEALER);
 * broadcasts come back from the backends over PUB/SUB and go to local room members.
 * argv[2]: JSON { topology, index, pushRate, host, fePort, pubPort, rpcTimeoutMs }.
 */
import { Dealer, Subscriber } from 'zeromq';
import { createContext } from '../app/context.ts';
import { createAppServer } from '../app/server.ts';
import { deliverPublished, type Published, type RpcRequest } from './handlers.ts';
import { sendQueue } from './zmq-send.ts';

interface Args {
  topology: string;
  index: number;
  pushRate: number;
  host: string;
  fePort: number;
  pubPort: number;
  rpcTimeoutMs: number;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as Args;
  const ctx = createContext(a.topology, a.index, a.pushRate, 'router-fe');
  const dealer = new Dealer({ reconnectInterval: 100 });
  dealer.connect(`tcp://127.0.0.1:${a.fePort}`);
  const sub = new Subscriber({ reconnectInterval: 100 });
  sub.connect(`tcp://127.0.0.1:${a.pubPort}`);
  sub.subscribe('room');
  const send = sendQueue(dealer);
  const pending = new Map<string, { resolve: (r: unknown[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  const app = createAppServer(
    ctx,
    {},
    {
      call(method, args, from) {
        return new Promise((resolve, reject) => {
          const id = String(++nextId);
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new Error(`no reply from a backend within ${a.rpcTimeoutMs}ms`));
          }, a.rpcTimeoutMs);
          pending.set(id, { resolve, reject, timer });
          send([id, JSON.stringify({ method, args, from } satisfies RpcRequest)]);
        });
      },
    },
  );
  void (async () => {
    for await (const [reqId, reply] of dealer) {
      const p = pending.get(reqId!.toString());
      if (!p) continue;
      clearTimeout(p.timer);
      pending.delete(reqId!.toString());
      p.resolve(JSON.parse(reply!.toString()) as unknown[]);
    }
  })();
  void (async () => {
    for await (const [, body] of sub) {
      const msg = JSON.parse(body!.toString()) as Published;
      deliverPublished(app.io, msg);
    }
  })();
  const port = await app.listen(a.host, 0);
  const bye = (): void => {
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', bye);
  process.on('disconnect', bye);
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'stats') {
      const s = ctx.stats;
      process.send?.({ type: 'stats', stats: { id: ctx.identity.id, pid: process.pid, current: s.socketio + s.ws, total: s.total, messages: s.messages } });
    }
  });
  process.send?.({ type: 'ready', port });
}

void main();
