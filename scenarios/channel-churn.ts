/**
 * Channel churn, measured: how many channels a server creates and destroys per second (a
 * subscribe then an unsubscribe of a fresh channel) before the SLO breaks, side by side on four
 * topologies (`single`, `cluster:2`, `cluster:2:rr:redis`, `socketcluster:2`):
 *
 *   npx rtbench run scenarios/channel-churn.ts                            (each topology at 2 sessions/s)
 *   npx rtbench run scenarios/channel-churn.ts --find-max                 (the highest rate per topology)
 *   npx rtbench run scenarios/channel-churn.ts --find-max --topology socketcluster:2
 *
 * Each session connects, then every 10 ms (open loop) subscribes to a channel no one else uses and
 * unsubscribes from it, PAIRS times, and disconnects: PAIRS churned channels per session, so the
 * channel rate is the session rate × PAIRS. On the Socket.IO engines a channel is a room of the
 * reference app (created on the first subscribe, destroyed on the last unsubscribe, across workers
 * through the adapter); on SocketCluster a channel of socketcluster-server (and of scc-broker).
 *
 * SLO: subscribe and unsubscribe acks p99 < 250 ms, errors < 1 %.
 * Engines: socket.io-lean, and socketcluster on the `socketcluster` topology (`engines`).
 * Environment: RTBENCH_PAIRS (100).
 */
import { defineScenario } from 'rtbench';

const PAIRS = Number(process.env.RTBENCH_PAIRS ?? 100);

export default defineScenario({
  name: 'channel churn',
  description: `each session subscribes to and unsubscribes from ${PAIRS} fresh channels, one pair every 10 ms`,
  engine: 'socket.io-lean',
  engines: { socketcluster: 'socketcluster' },
  topology: ['single', 'cluster:2', 'cluster:2:rr:redis', 'socketcluster:2'],
  phases: [{ duration: '10s', arrivalRate: 2 }],
  gracefulStop: '3s',
  ackTimeout: '5s',
  thresholds: { 'ack:subscribe.p99': '< 250ms', 'ack:unsubscribe.p99': '< 250ms', 'errors.rate': '< 1%' },
  search: { from: 2, factor: 2, precision: 0.15, step: '5s', maxSteps: 12 },
  async session(client, ctx) {
    await client.connect();
    await client.every(10, PAIRS, async (i) => {
      const channel = `churn-${ctx.id}-${i}`;
      await client.subscribe(channel);
      await client.unsubscribe(channel);
    });
    await client.disconnect();
  },
});
