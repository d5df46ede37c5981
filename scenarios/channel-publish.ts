/**
 * Publish rate into one channel: SUBSCRIBERS clients subscribe to one channel and stay; every
 * other session publishes into it PUBLISHES times, one every 10 ms (open loop), and leaves. Run it
 * with `--find-max` (the bench `node --import tsx bench/channel-churn.ts` does, per topology):
 *
 *   npx rtbench run scenarios/channel-publish.ts --find-max --topology cluster:2
 *   npx rtbench run scenarios/channel-publish.ts --find-max --topology socketcluster:2
 *
 * The publish rate is the publisher session rate × PUBLISHES; every publish is delivered to the
 * SUBSCRIBERS subscribers (fan-out latency `publish`, sequence gaps `publish.gaps`).
 *
 * SLO: publish acks p99 < 250 ms, fan-out p99 < 250 ms, errors < 1 %.
 * Engines: socket.io-lean, and socketcluster on the `socketcluster` topology (`engines`).
 * Environment: RTBENCH_SUBSCRIBERS (10), RTBENCH_PUBLISHES (100).
 */
import { defineScenario } from 'rtbench';

const SUBSCRIBERS = Number(process.env.RTBENCH_SUBSCRIBERS ?? 10);
const PUBLISHES = Number(process.env.RTBENCH_PUBLISHES ?? 100);

export default defineScenario({
  name: 'channel publish',
  description: `${SUBSCRIBERS} subscribers on one channel; publisher sessions publish ${PUBLISHES} times each, every 10 ms`,
  engine: 'socket.io-lean',
  engines: { socketcluster: 'socketcluster' },
  topology: 'single',
  phases: [{ duration: '10s', arrivalRate: 10 }],
  gracefulStop: '3s',
  ackTimeout: '5s',
  thresholds: { 'ack:publish.p99': '< 250ms', 'publish.p99': '< 250ms', 'errors.rate': '< 1%' },
  // from 10 sessions/s: the SUBSCRIBERS sessions (the first ones) are all there within the step's first second
  search: { from: 10, factor: 2, precision: 0.15, step: '6s', maxSteps: 12 },
  async session(client, ctx) {
    await client.connect();
    if (ctx.id < SUBSCRIBERS) {
      // a subscriber: stays until the load is over
      await client.subscribe('hot');
      while (!ctx.stopping) await client.think(200);
    } else {
      await client.every(10, PUBLISHES, async () => {
        await client.publish('hot', 'x'.repeat(32));
      });
    }
    await client.disconnect();
  },
});
