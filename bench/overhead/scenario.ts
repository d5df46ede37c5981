/**
 * rtbench's side of bench/overhead.ts: RTBENCH_OH_CLIENTS clients arrive within the first second,
 * each then sends one acked `echo` every RTBENCH_OH_INTERVAL_MS, RTBENCH_OH_COUNT times (open
 * loop), timed from its scheduled time. Written as a user would; no `generators`: the default
 * count is what the benchmark measures.
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

export default defineScenario({
  name: 'harness overhead',
  requiresTarget: true,
  sourceIps: 1,
  phases: [{ duration: '1s', arrivalRate: CLIENTS }],
  gracefulStop: COUNT * INTERVAL_MS + 15_000,
  ackTimeout: '10s',
  async session(client) {
    await client.connect();
    await client.every(INTERVAL_MS, COUNT, async (i) => {
      await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
});
