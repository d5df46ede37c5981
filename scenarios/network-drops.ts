/**
 * Foul weather: clients in rooms of ROOM_SIZE broadcast once a second each, while the network
 * misbehaves: every 5 s 10% of the clients lose their TCP connection (a reset, no close frame) and
 * stay offline for a second; at 22 s every client is cut at once (what a redeploy does). Each
 * broadcast carries its room's sequence number and the sender's timestamp, so delivery is counted
 * on the stream itself: `seq:bcast.lost`, `.replayed`, and the delivery latency `seq:bcast`.
 *
 * Run it with Socket.IO's connection-state recovery on and off (the reference server's option):
 *   RTBENCH_CSR=on  rtbench run scenarios/network-drops.ts
 *   RTBENCH_CSR=off rtbench run scenarios/network-drops.ts
 * RTBENCH_ENGINE: socket.io (default) or socket.io-lean; RTBENCH_VUS (default 200), RTBENCH_ROOM_SIZE (default 10).
 */
import { defineScenario } from 'rtbench';

const VUS = Number(process.env.RTBENCH_VUS ?? 200);
const ROOM_SIZE = Number(process.env.RTBENCH_ROOM_SIZE ?? 10);
const CSR = (process.env.RTBENCH_CSR ?? 'on') !== 'off';
const ENGINE = process.env.RTBENCH_ENGINE === 'socket.io-lean' ? 'socket.io-lean' : 'socket.io';

export default defineScenario({
  name: `network-drops-csr-${CSR ? 'on' : 'off'}`,
  description: `${VUS} clients in rooms of ${ROOM_SIZE}, one broadcast per client per second; 10% dropped every 5 s (1 s offline), all at 22 s; connection-state recovery ${CSR ? 'on' : 'off'}`,
  topology: 'single',
  engine: ENGINE,
  server: { recovery: CSR ? '30s' : false, heartbeat: { interval: '2s', timeout: '2s' } },
  reconnect: { attempts: 30, delay: '200ms', maxDelay: '2s' },
  phases: [
    { name: 'connect', duration: '2s', vus: { from: 0, to: VUS } },
    { name: 'foul weather', duration: '26s', vus: VUS },
  ],
  faults: [
    { every: '5s', network: 'drop', clients: '10%', offline: '1s' },
    { at: '22s', network: 'drop', clients: '100%', offline: '0s', name: 'reconnect storm' },
  ],
  sequences: { bcast: { event: 'broadcast', seq: 'seq', key: 'room', sentAt: 'ts' } },
  // with recovery on, nothing may be lost and (nearly) every client must resume; either way every client must come back
  thresholds: { 'recovery.never': '== 0', ...(CSR ? { 'seq:bcast.lossRate': '< 0.1%', 'recovery.resumedRate': '> 95%' } : {}) },
  async session(client, ctx) {
    const room = `room-${Math.floor(ctx.id / ROOM_SIZE)}`;
    await client.connect();
    await client.emitWithAck('join', room);
    // as applications do: a fresh session (not resumed) joins its room again
    client.onReconnect(async ({ resumed }) => {
      if (!resumed) await client.emitWithAck('join', room);
    });
    while (!ctx.stopping) {
      // a broadcast whose connection is cut before its ack is a failed check, not a failed session
      ctx.check(
        'broadcast acked',
        await client.broadcast(room, 'x'.repeat(32)).then(
          () => true,
          () => false,
        ),
      );
      await client.think(1000);
    }
    await client.disconnect();
  },
});
