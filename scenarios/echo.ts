/**
 * Open-model ack latency: clients arrive at a constant rate; each sends acked echoes on a
 * fixed 100 ms schedule (open loop), so a stalled server shows up in the latencies instead of
 * silently slowing the load (coordinated omission).
 */
import { defineScenario } from 'rtbench';

export default defineScenario({
  name: 'echo',
  description: '50 arrivals/s for 20 s; each client sends 20 acked echoes, one every 100 ms',
  topology: 'single',
  phases: [{ duration: '20s', arrivalRate: 50 }],
  async session(client) {
    await client.connect();
    await client.every(100, 20, async (i) => {
      await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
});
