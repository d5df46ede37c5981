/**
 * Hold N concurrent Socket.IO connections (RTBENCH_HOLD_CONNS, default 100,000): they arrive at an
 * even rate over RTBENCH_HOLD_RAMP_S seconds (default 600: 167/s; at 250/s this 2-core box saturates past ~57k connections, see BENCHMARKS.md), then all stay open together for
 * RTBENCH_HOLD_FOR_S seconds (default 60) with the Engine.IO heartbeat running, then close.
 * Engine from RTBENCH_HOLD_ENGINE (default socket.io-lean). `peakClients` lets rtbench size the
 * generator processes and source addresses before starting.
 */
import { defineScenario } from 'rtbench';

const CONNS = Number(process.env.RTBENCH_HOLD_CONNS ?? 100_000);
const RAMP_S = Number(process.env.RTBENCH_HOLD_RAMP_S ?? 600);
const HOLD_S = Number(process.env.RTBENCH_HOLD_FOR_S ?? 60);
/** Wall-clock end of the hold, fixed when the generator loads the scenario (just before the start). */
const END = Date.now() + 2000 + (RAMP_S + HOLD_S) * 1000;

export default defineScenario({
  name: 'hold-100k',
  description: `${CONNS} concurrent connections held ${HOLD_S}s`,
  requiresTarget: true,
  engine: (process.env.RTBENCH_HOLD_ENGINE ?? 'socket.io-lean') as 'socket.io-lean',
  peakClients: CONNS,
  maxConcurrentPerGenerator: 1_000_000,
  phases: [{ duration: `${RAMP_S}s`, arrivalRate: CONNS / RAMP_S }],
  connectTimeout: '30s',
  gracefulStop: `${HOLD_S + 40}s`,
  async session(client) {
    await client.connect();
    await client.think(Math.max(0, END - Date.now()));
    await client.disconnect();
  },
});
