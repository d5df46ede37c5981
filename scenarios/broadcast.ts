/**
 * Broadcast fan-out: VUs gather in rooms of ROOM_SIZE members; each member broadcasts once a
 * second and every member records fan-out latency (sender's timestamp → receipt).
 * Configure with environment variables: RTBENCH_VUS (default 200), RTBENCH_ROOM_SIZE (default 20).
 */
import { defineScenario } from 'rtbench';

const VUS = Number(process.env.RTBENCH_VUS ?? 200);
const ROOM_SIZE = Number(process.env.RTBENCH_ROOM_SIZE ?? 20);

export default defineScenario({
  name: 'broadcast',
  description: `${VUS} VUs in rooms of ${ROOM_SIZE}; each broadcasts once a second`,
  topology: 'single',
  phases: [
    { name: 'ramp', duration: '5s', vus: { from: 0, to: VUS } },
    { name: 'hold', duration: '15s', vus: VUS },
  ],
  async session(client, ctx) {
    await client.connect();
    await client.join(`room-${Math.floor(ctx.id / ROOM_SIZE)}`);
    await client.every(1000, 10, async () => {
      if (ctx.stopping) return;
      await client.broadcast(`room-${Math.floor(ctx.id / ROOM_SIZE)}`, 'x'.repeat(64));
    });
    await client.disconnect();
  },
});
