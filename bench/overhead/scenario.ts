/**
 * rtbench's side of bench/overhead.ts: RTBENCH_OH_CLIENTS clients arrive within the first second
 * and connect; client k then sends one acked `echo` every RTBENCH_OH_INTERVAL_MS, RTBENCH_OH_COUNT
 * times (open loop), from RTBENCH_OH_T0 + k·(1000/CLIENTS) ms on the host's monotonic clock, timed
 * from its scheduled time: the schedule of the benchmark's minimal client, after every connection
 * is up (connects are not what is compared); a client connected after its start counts `late_start`.
 * No `generators`: the default count is measured. RTBENCH_OH_ENGINE `ws`: engine `ws`, raw frames
 * (`client.request()` of a text frame a plain `ws` echo server sends back), as bench/overhead/minimal.ts.
 */
import { defineScenario } from 'rtbench';

const num = (name: string, def: number): number => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number ≥ 0`);
  return v;
};
const CLIENTS = num('RTBENCH_OH_CLIENTS', 20);
const INTERVAL_MS = num('RTBENCH_OH_INTERVAL_MS', 100);
const COUNT = num('RTBENCH_OH_COUNT', 100);
const T0 = num('RTBENCH_OH_T0', 0);
const WS = process.env.RTBENCH_OH_ENGINE === 'ws';
const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export default defineScenario({
  name: 'harness overhead',
  requiresTarget: true,
  ...(WS ? { engine: 'ws' as const, protocol: 'raw' as const, path: '/' } : {}),
  sourceIps: 1,
  phases: [{ duration: '1s', arrivalRate: CLIENTS }],
  gracefulStop: `${Math.ceil(Math.max(0, T0 - monoMs()) + COUNT * INTERVAL_MS + 15_000)}ms`,
  ackTimeout: '10s',
  // a client connected after T0 starts its schedule late: counted, so the benchmark can say so
  metrics: { late_start: 'counter' },
  async session(client, ctx) {
    await client.connect();
    const lead = T0 + (ctx.id * 1000) / CLIENTS - monoMs();
    if (lead > 0) await client.think(lead);
    else ctx.metrics.count('late_start');
    await client.every(INTERVAL_MS, COUNT, async (i) => {
      if (WS) {
        const key = `${ctx.id}:${i}`;
        await client.request(key, (m) => m === key, { name: 'echo' });
      } else await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
});
