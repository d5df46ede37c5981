/**
 * Failover: the same fault timeline against sticky, cluster and router, side by side.
 * 40 clients in 6 rooms broadcast twice a second (every message numbered per stream, so
 * receivers count what they lost) while a worker is SIGKILLed, another is SIGSTOPped for 4 s
 * (a hung, not dead, process), and — on router — the router itself is killed.
 * Configure with RTBENCH_VUS (default 40).
 */
import { defineScenario } from 'rtbench';

const VUS = Number(process.env.RTBENCH_VUS ?? 40);

export default defineScenario({
  name: 'failover',
  description: `${VUS} clients broadcasting while workers die, hang, and the router dies`,
  topology: ['sticky:2', 'cluster:2', 'router:2x2'],
  // one phase: each client holds one long session (a ramp phase's sessions would outlive it)
  phases: [{ duration: '35s', vus: VUS }],
  ackTimeout: '3s',
  connectTimeout: '3s',
  gracefulStop: '5s',
  // a hung worker is noticed after interval + timeout; socket.io's defaults (25 s + 20 s) would hide it
  server: { pushRate: 2, heartbeat: { interval: '1s', timeout: '2s' } },
  reconnect: { attempts: 30, delay: '200ms', maxDelay: '2s' },
  faults: [
    { at: '8s', kill: 'worker', index: 1, name: 'worker 1 killed' },
    { at: '18s', pause: 'worker', index: 0, for: '4s', name: 'worker 0 hung 4 s' },
    { at: '28s', kill: 'router', on: 'router', name: 'router killed' },
  ],
  thresholds: {
    'recovery.p99': '< 10s',
  },
  async session(client, ctx) {
    const room = `room-${ctx.id % 6}`;
    await client.connect();
    await client.join(room);
    while (!ctx.stopping) {
      try {
        await client.broadcast(room);
      } catch {
        // counted (ack timeouts while a piece is down); the session carries on
      }
      await client.think(500);
    }
    await client.disconnect();
  },
});
