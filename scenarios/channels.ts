/**
 * Pub/sub channels on either family: VUs subscribe to channels of CHANNEL_SIZE members, publish
 * into their channel once a second (every member records `publish` fan-out latency and gaps),
 * and churn one extra channel per iteration (subscribe + unsubscribe, timed as acks).
 * The same session runs on the Socket.IO family (reference app `subscribe`/`publish` events,
 * rooms underneath) and on SocketCluster (its own channels):
 *
 *   npx rtbench run scenarios/channels.ts                                   # socket.io-lean on single and cluster:2
 *   RTBENCH_ENGINE=socketcluster npx rtbench run scenarios/channels.ts --topology socketcluster:2
 *
 * Environment: RTBENCH_ENGINE (default socket.io-lean), RTBENCH_VUS (100), RTBENCH_CHANNEL_SIZE (10).
 */
import { defineScenario, type EngineName } from 'rtbench';

const ENGINE = (process.env.RTBENCH_ENGINE ?? 'socket.io-lean') as EngineName;
const VUS = Number(process.env.RTBENCH_VUS ?? 100);
const SIZE = Number(process.env.RTBENCH_CHANNEL_SIZE ?? 10);

export default defineScenario({
  name: 'channels',
  description: `${VUS} VUs in channels of ${SIZE}, each publishing once a second, churning a channel per iteration (${ENGINE})`,
  engine: ENGINE,
  topology: ENGINE === 'socketcluster' ? 'socketcluster:2' : ['single', 'cluster:2'],
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
