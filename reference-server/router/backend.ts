/**
 * A backend worker process (SocketStream 0.2's `backend`): executes the app's RPC handlers for
 * requests the router deals it. Connects (DEALER) to the router and may join or leave at any
 * time; heartbeats let the router drop a dead one. argv[2]: JSON { index, bePort }.
 */
import { Dealer } from 'zeromq';
import { createBackendHandlers, type RpcRequest } from './handlers.ts';
import { sendQueue } from './zmq-send.ts';

async function main(): Promise<void> {
  const { index, bePort } = JSON.parse(process.argv[2] ?? '{}') as { index: number; bePort: number };
  const id = `router-be#${index}`;
  const sock = new Dealer({ reconnectInterval: 100 });
  sock.connect(`tcp://127.0.0.1:${bePort}`);
  const send = sendQueue(sock);
  const handle = createBackendHandlers(id, (msg) => send(['pub', JSON.stringify(msg)]));
  send(['hello']);
  const hb = setInterval(() => send(['hb']), 500);
  const bye = (): void => {
    clearInterval(hb);
    send(['bye']);
    setTimeout(() => process.exit(0), 100);
  };
  process.on('SIGTERM', bye);
  process.on('disconnect', bye);
  process.send?.({ type: 'ready' });
  for await (const [feId, reqId, payload] of sock) {
    let reply: unknown[];
    try {
      reply = handle(JSON.parse(payload!.toString()) as RpcRequest);
    } catch (e) {
      reply = [{ error: (e as Error).message }];
    }
    send(['rep', feId!, reqId!, JSON.stringify(reply)]);
  }
}

void main();
