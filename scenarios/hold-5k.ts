/**
 * 5,000 concurrent socket.io clients against the single topology: 500 arrivals/s for 10 s,
 * each holding its connection ~16 s with an acked echo every 2 s. From t ≈ 10 s to 16 s all
 * 5,000 are connected at once (a window of several one-second samples, even when the last
 * connects are slow). Runs in the integration tests (test/integration/hold-5k.test.ts).
 */
import { defineScenario } from 'rtbench';

export default defineScenario({
  name: 'hold-5k',
  description: '5,000 concurrent socket.io clients, acked echo every 2 s',
  topology: 'single',
  phases: [{ duration: '10s', arrivalRate: 500 }],
  gracefulStop: '20s',
  async session(client) {
    await client.connect();
    await client.every(2000, 9, async (i) => {
      await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
});
