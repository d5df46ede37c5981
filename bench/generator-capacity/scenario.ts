/**
 * One step of bench/generator-capacity.ts: RTBENCH_GC_CLIENTS clients arrive over
 * RTBENCH_GC_RAMP_S seconds and connect; from RTBENCH_GC_T0 (the host's monotonic clock) each sends
 * one acked `echo` per second, RTBENCH_GC_COUNT times, client k offset by k ms modulo 1,000 (the
 * emits spread evenly over each second). One generator.
 */
import { defineScenario } from 'rtbench';

const CLIENTS = Number(process.env.RTBENCH_GC_CLIENTS ?? 1000);
const RAMP_S = Number(process.env.RTBENCH_GC_RAMP_S ?? 2);
const COUNT = Number(process.env.RTBENCH_GC_COUNT ?? 8);
const T0 = Number(process.env.RTBENCH_GC_T0 ?? 0);
const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export default defineScenario({
  name: 'generator capacity step',
  requiresTarget: true,
  generators: 1,
  peakClients: CLIENTS,
  phases: [{ duration: `${RAMP_S}s`, arrivalRate: CLIENTS / RAMP_S }],
  gracefulStop: `${Math.ceil(Math.max(0, T0 - monoMs()) + COUNT * 1000 + 15_000)}ms`,
  ackTimeout: '10s',
  connectTimeout: '30s',
  metrics: { late_start: 'counter' },
  async session(client, ctx) {
    await client.connect();
    const lead = T0 + (ctx.id * 1000) / CLIENTS - monoMs();
    if (lead > 0) await client.think(lead);
    else ctx.metrics.count('late_start');
    await client.every(1000, COUNT, async (i) => {
      await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
});
