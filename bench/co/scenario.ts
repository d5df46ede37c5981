/**
 * rtbench's side of bench/co.ts: RTBENCH_CO_CLIENTS clients, each sending one acked `echo` every
 * RTBENCH_CO_INTERVAL_MS, RTBENCH_CO_COUNT times, the first at RTBENCH_CO_T0 (the host's monotonic
 * clock, in ms, as `process.hrtime`): the same schedule as the benchmark's reference clients.
 * Written the way a user would: `every` + `await emitWithAck`. rtbench times each echo from its
 * scheduled time, which is what bench/co.ts checks against the true latencies.
 */
import { defineScenario } from 'rtbench';

const num = (name: string, def: number): number => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number ≥ 0`);
  return v;
};
const CLIENTS = num('RTBENCH_CO_CLIENTS', 10);
const INTERVAL_MS = num('RTBENCH_CO_INTERVAL_MS', 10);
const COUNT = num('RTBENCH_CO_COUNT', 2000);
const T0 = num('RTBENCH_CO_T0', 0);
const ENGINE = process.env.RTBENCH_CO_ENGINE === 'socket.io-lean' ? 'socket.io-lean' : 'socket.io';
const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export default defineScenario({
  name: 'coordinated omission',
  requiresTarget: true,
  engine: ENGINE,
  generators: 1,
  sourceIps: 1,
  // all clients arrive within the first second, then wait for T0
  phases: [{ duration: '1s', arrivalRate: CLIENTS }],
  // the sessions go on after the (1 s) phase: until T0 plus the schedule, plus room for the replies
  gracefulStop: `${Math.ceil(Math.max(10_000, T0 - monoMs() + COUNT * INTERVAL_MS + 15_000))}ms`,
  ackTimeout: '15s',
  async session(client) {
    await client.connect();
    const lead = T0 - monoMs();
    if (lead <= 0) throw new Error(`connected ${(-lead).toFixed(0)} ms after the schedule's start: raise the benchmark's lead time`);
    await client.think(lead);
    await client.every(INTERVAL_MS, COUNT, async (i) => {
      await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
});
