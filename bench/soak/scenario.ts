/**
 * Soak load: a steady population of clients, each reconnecting every ~30 s (so the generator
 * creates and drops clients all along), with an acked echo every 500 ms and room broadcasts.
 * Length from RTBENCH_SOAK_MINUTES (default 10), population from RTBENCH_SOAK_VUS (default 300).
 */
import { defineScenario } from 'rtbench';

const MINUTES = Number(process.env.RTBENCH_SOAK_MINUTES ?? 10);
const VUS = Number(process.env.RTBENCH_SOAK_VUS ?? 300);

export default defineScenario({
  name: 'soak',
  requiresTarget: true,
  phases: [{ duration: `${MINUTES}m`, vus: VUS }],
  gracefulStop: '5s',
  async session(client, ctx) {
    await client.connect();
    await client.join(`soak-${ctx.id % 20}`);
    await client.every(500, 60, async (i) => {
      if (ctx.stopping) return;
      await client.emitWithAck('echo', i).catch(() => {});
      if (i % 10 === 0) await client.broadcast(`soak-${ctx.id % 20}`).catch(() => {});
    });
    await client.disconnect();
  },
});
