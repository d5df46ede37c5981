/**
 * Publish rate into one channel: SUBSCRIBERS clients subscribe to one channel and stay; every
 * other session publishes into it up to PUBLISHES times, one every 10 ms (open loop), and leaves.
 * Side by side on four topologies (`single`, `cluster:2`, `cluster:2:rr:redis`, `socketcluster:2`):
 *
 *   npx rtbench run scenarios/channel-publish.ts                          (each topology at 10 sessions/s)
 *   npx rtbench run scenarios/channel-publish.ts --find-max               (the highest rate per topology)
 *   npx rtbench run scenarios/channel-publish.ts --find-max --topology socketcluster:2
 *
 * Every counted publish had all SUBSCRIBERS subscribers:
 * - the subscribers are the first SUBSCRIBERS sessions (ids are given in arrival order), and a
 *   publisher waits SETTLE_MS after connecting before its first publish, so they are subscribed;
 * - publishers stop publishing when the load ends (`ctx.stopping`: iterations due after it are
 *   skipped, never sent), while subscribers stay LINGER_MS longer, so messages in flight arrive.
 * Each subscriber checks what it got: the server numbers a channel's messages per worker process
 * (`seq` from 1 on a fresh server), so per origin the highest `seq` received is how many that
 * worker published up to then, and any it did not receive (before it subscribed, or lost on the
 * way) is counted as `undelivered`. The SLO fails a step where any subscriber missed a message
 * (`undelivered.count == 0`) or did not stay through it (`subscribers.count == SUBSCRIBERS`).
 *
 * The publish rate is the publisher session rate × PUBLISHES once publishers overlap; each publish
 * is delivered to the SUBSCRIBERS subscribers (fan-out latency `publish`, sequence gaps `publish.gaps`).
 *
 * SLO: publish acks p99 < 250 ms, fan-out p99 < 250 ms, errors < 1 %, no message undelivered.
 * Engines: socket.io-lean, and socketcluster on the `socketcluster` topology (`engines`).
 * Environment: RTBENCH_SUBSCRIBERS (10), RTBENCH_PUBLISHES (100).
 */
import { defineScenario } from 'rtbench';

const SUBSCRIBERS = Number(process.env.RTBENCH_SUBSCRIBERS ?? 10);
const PUBLISHES = Number(process.env.RTBENCH_PUBLISHES ?? 100);
/** A publisher's wait after connecting, before its first publish: the subscribers (the first sessions) subscribe meanwhile. */
const SETTLE_MS = 1000;
/** How long subscribers stay after the load ends: publishes sent before it get this long to arrive (8× the fan-out SLO). */
const LINGER_MS = 2000;

export default defineScenario({
  name: 'channel publish',
  description: `${SUBSCRIBERS} subscribers on one channel; publisher sessions publish up to ${PUBLISHES} times each, every 10 ms, until the load ends`,
  engine: 'socket.io-lean',
  engines: { socketcluster: 'socketcluster' },
  topology: ['single', 'cluster:2', 'cluster:2:rr:redis', 'socketcluster:2'],
  phases: [{ duration: '8s', arrivalRate: 10 }],
  // subscribers stay LINGER_MS past the end; a publish in flight then may take up to ackTimeout
  gracefulStop: '6s',
  ackTimeout: '5s',
  metrics: { undelivered: 'counter', subscribers: 'counter' },
  thresholds: {
    'ack:publish.p99': '< 250ms',
    'publish.p99': '< 250ms',
    'errors.rate': '< 1%',
    'undelivered.count': '== 0',
    'subscribers.count': `== ${SUBSCRIBERS}`,
  },
  // from 10 sessions/s: the SUBSCRIBERS sessions (the first ones) arrive within the step's first second;
  // 8 s steps: publishers publish from about 2 s in (their settle, then their 1 s ramp) to the end
  search: { from: 10, factor: 2, precision: 0.15, step: '8s', maxSteps: 12 },
  async session(client, ctx) {
    await client.connect();
    if (ctx.id < SUBSCRIBERS) {
      // a subscriber: highest seq and messages received per origin (worker process)
      const streams = new Map<string, { top: number; got: number }>();
      client.on('publish', (msg) => {
        const m = msg as { seq?: unknown; origin?: unknown };
        if (typeof m.seq !== 'number') return;
        const s = streams.get(String(m.origin)) ?? { top: 0, got: 0 };
        s.top = Math.max(s.top, m.seq);
        s.got++;
        streams.set(String(m.origin), s);
      });
      await client.subscribe('hot');
      while (!ctx.stopping) await client.think(200);
      await client.think(LINGER_MS);
      let missing = 0;
      for (const s of streams.values()) missing += Math.max(0, s.top - s.got);
      ctx.metrics.count('undelivered', missing);
      ctx.metrics.count('subscribers');
    } else {
      await client.think(SETTLE_MS);
      await client.every(10, PUBLISHES, async () => {
        if (!ctx.stopping) await client.publish('hot', 'x'.repeat(32));
      });
    }
    await client.disconnect();
  },
});
