import { defineScenario } from 'rtbench';

/**
 * bench/request.ts: each client sends one acked echo every INTERVAL ms to the reference app's raw
 * WebSocket (`/ws`), alternating the two ways of doing it on the same connection: one iteration
 * `emitWithAck('echo', i)` (the engine's own ack table, timed as `ack:echo`), the next the same frame
 * through `client.request()` with a `match` on its ack id (timed as `request:echo`); half the
 * clients start with one, half with the other. Both ways share the clients, the server and the
 * seconds, so the machine's noise falls on both alike.
 */
const clients = Number(process.env.RTBENCH_REQ_CLIENTS ?? 20);
const intervalMs = Number(process.env.RTBENCH_REQ_INTERVAL_MS ?? 10);
const count = Number(process.env.RTBENCH_REQ_COUNT ?? 400);

export default defineScenario({
  name: 'request vs emitWithAck',
  engine: 'ws',
  requiresTarget: true,
  phases: [{ duration: '1s', vus: clients }],
  gracefulStop: '60s',
  async session(client, ctx) {
    await client.connect();
    await client.think(500);
    await client.every(intervalMs, count, async (i) => {
      if ((i + ctx.id) % 2 === 0) {
        await client.emitWithAck('echo', i);
        return;
      }
      const id = 1_000_000 * (ctx.id + 1) + i; // never one of the engine's own ack ids
      await client.request(JSON.stringify({ e: 'echo', a: [i], id }), (_m, json) => (json as { ack?: unknown } | undefined)?.ack === id, { name: 'echo' });
    });
  },
});
