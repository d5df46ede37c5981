/**
 * RPC latency through the SocketStream-style router vs. handled directly: every client sends
 * acked `work` calls (CPU cost RTBENCH_WORK_MS per call, default 2 ms) on a fixed schedule.
 * `single` runs them in the connection's own process; `router:single` passes them in memory to
 * an in-process backend; `router:1x2` / `router:2x2` send them over ZeroMQ to backend processes.
 */
import { defineScenario } from 'rtbench';

const WORK_MS = Number(process.env.RTBENCH_WORK_MS ?? 2);

export default defineScenario({
  name: 'router-rpc',
  description: `acked work calls of ${WORK_MS} ms CPU: direct vs through the router`,
  topology: ['single', 'router:single', 'router:1x2', 'router:2x2'],
  phases: [{ duration: '8s', arrivalRate: 10 }],
  async session(client) {
    await client.connect();
    await client.every(100, 20, async () => {
      await client.emitWithAck('work', { ms: WORK_MS });
    });
    await client.disconnect();
  },
});
