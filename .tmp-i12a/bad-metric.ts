import { defineScenario } from 'rtbench';
export default defineScenario({
  name: 'bad metric',
  metrics: { ack: 'trend', fan: 'histogram' } as never,
  thresholds: { 'fanout.p99': '< 1s' },
  phases: [{ duration: '1s', vus: 1 }],
  async session(client) { await client.connect(); },
});
