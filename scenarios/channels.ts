/**
 * Pub/sub channels on either family: VUs subscribe to channels of CHANNEL_SIZE members, publish
 * into their channel once a second (every member records `publish` fan-out latency and gaps),
 * and churn one extra channel per iteration (subscribe + unsubscribe, timed as acks).
 * The same session runs, side by side in one run, on the Socket.IO family (socket.io-lean against
 * the reference app's `subscribe`/`publish` events, rooms underneath) and on SocketCluster (its
 * own engine and channels, picked by `engines` for the `socketcluster` topology):
 *
 *   npx rtbench run scenarios/channels.ts                  # single, cluster:2 and socketcluster:2
 *
 * Environment: RTBENCH_VUS (100), RTBENCH_CHANNEL_SIZE (10).
 */
import { defineScenario } from 'rtbench';

const VUS = Number(process.env.RTBENCH_VUS ?? 100);
const SIZE = Number(process.env.RTBENCH_CHANNEL_SIZE ?? 10);

export default defineScenario({
  name: 'channels',
  description: `${VUS} VUs in channels of ${SIZE}, each publishing once a second, churning a channel per iteration`,
  engine: 'socket.io-lean',
  engines: { socketcluster: 'socketcluster' },
  topology: ['single', 'cluster:2', 'socketcluster:2'],
  phases: [
    { name: 'ramp', duration: '5s', vus: { from: 0, to: VUS } },
    { name: 'hold', duration: '10s', vus: VUS },
  ],
  thresholds: { 'ack:publish.p99': '< 500ms', 'publish.p99': '< 500ms', 'errors.rate': '< 1%' },
  async session(client, ctx) {
    const channel = `chan-${Math.floor(ctx.id / SIZE)}`;
    await client.connect();
    await client.subscribe(channel);
    await client.every(1000, 10, async (i) => {
      if (ctx.stopping) return;
      await client.publish(channel, 'x'.repeat(64));
      await client.subscribe(`churn-${ctx.id}-${i}`);
      await client.unsubscribe(`churn-${ctx.id}-${i}`);
    });
    await client.disconnect();
  },
});
