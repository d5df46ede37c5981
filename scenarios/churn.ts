/**
 * Connection and room churn (SocketCluster-style channel churn): clients arrive at a rising
 * rate, each lives a random lifetime, joins and leaves rooms, sends acked messages, broadcasts
 * to its rooms and receives the room broadcasts of others, then leaves.
 */
import { defineScenario } from 'rtbench';

const ROOMS = 40;

export default defineScenario({
  name: 'churn',
  description: 'Arrivals ramping 20→60/s, random 2–5 s lifetimes, room join/leave churn, acked echoes and room broadcasts',
  topology: 'single',
  phases: [
    { name: 'ramp', duration: '8s', arrivalRate: { from: 20, to: 60 } },
    { name: 'steady', duration: '8s', arrivalRate: 60 },
  ],
  async session(client, ctx) {
    await client.connect();
    const room = (): string => `room-${Math.floor(ctx.random() * ROOMS)}`;
    let rooms = [room(), room()];
    for (const r of rooms) await client.join(r);
    const lifetimeMs = 2000 + ctx.random() * 3000;
    const ticks = Math.floor(lifetimeMs / 250);
    await client.every(250, ticks, async (i) => {
      await client.emitWithAck('echo', { i, at: Date.now() });
      if (i % 4 === 1) await client.broadcast(rooms[i % rooms.length]!, { from: ctx.id });
      if (i % 6 === 5) {
        // room churn: leave the oldest room, join another
        const [old, ...rest] = rooms;
        await client.leave(old!);
        rooms = [...rest, room()];
        await client.join(rooms[rooms.length - 1]!);
      }
    });
    await client.disconnect();
  },
});
