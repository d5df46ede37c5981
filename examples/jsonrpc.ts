import { defineScenario, type Client } from 'rtbench';

/**
 * Drives the JSON-RPC 2.0 WebSocket app (examples/apps/jsonrpc.ts), or any JSON-RPC 2.0 server
 * with the same methods: `npx rtbench run examples/jsonrpc.ts --target ws://127.0.0.1:4130/rpc`.
 * The path of --target is the WebSocket path.
 *
 * Each client connects with its token in the query and the tenant header, subscribes to 5 `tick`
 * notifications, makes 10 `add` calls (one every 100 ms, open loop; each timed as `request` and
 * `request:add`, from its intended send time), sends one notification, and waits for its last tick.
 * Each tick's delay from the app's own `sentAt` stamp is recorded in the custom trend `tick`.
 */

interface RpcReply {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
  params?: { seq?: number; sentAt?: number };
}

/** A JSON-RPC call: send the request, resolve with the reply that carries its id. */
async function call(client: Client, id: number, method: string, params: unknown): Promise<unknown> {
  const frame = JSON.stringify({ jsonrpc: '2.0', id, method, params });
  const reply = JSON.parse(String(await client.request(frame, (_m, json) => (json as RpcReply | undefined)?.id === id, { name: method }))) as RpcReply;
  if (reply.error) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result;
}

export default defineScenario({
  name: 'json-rpc app',
  requiresTarget: true,
  engine: 'ws',
  connect: (ctx) => ({ query: { token: `secret-user${ctx.id}` }, headers: { 'x-tenant': 'acme' } }),
  phases: [{ duration: '20s', vus: 40 }],
  metrics: { tick: 'trend' },
  thresholds: {
    'request:add.p99': '< 1s',
    'tick.p99': '< 1s',
    'sessions.failedRate': '< 1%',
    'errors.rate': '< 1%',
  },
  async session(client, ctx) {
    await client.connect();
    let ticks = 0;
    client.onMessage((_m, json) => {
      const n = json as RpcReply | undefined;
      if (n?.method !== 'tick') return;
      ticks++;
      if (typeof n.params?.sentAt === 'number') ctx.metrics.record('tick', Math.max(0, Date.now() - n.params.sentAt));
    });
    // made before subscribing, so the last tick cannot slip by unseen
    const lastTick = client.waitForMessage((_m, json) => (json as RpcReply | undefined)?.method === 'tick' && (json as RpcReply).params?.seq === 5, 10_000);
    await call(client, 1, 'subscribe', { topic: 'prices', count: 5, intervalMs: 200 });
    await client.every(100, 10, async (i) => {
      const sum = await call(client, 100 + i, 'add', [i, 1]);
      if (sum !== i + 1) throw new Error(`add(${i}, 1) answered ${String(sum)}`);
    });
    client.send(JSON.stringify({ jsonrpc: '2.0', method: 'log', params: { ticks } })); // a notification: no reply
    await lastTick;
  },
});
