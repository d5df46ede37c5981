/**
 * Worker distribution across the reference topologies, side by side: the same load against each,
 * from 64 loopback source addresses. Shows connections per worker, max/mean, coefficient of
 * variation, chi-square against an even spread, and stickiness (reconnecting clients that come
 * back to the same worker). Includes the famous sticky-master failure behind a load balancer
 * (`lb-sticky:4`: every connection from HAProxy's address → one worker) and its fix
 * (`lb-sticky:4:proxy`: the master reads the client address from the PROXY protocol).
 */
import { defineScenario } from 'rtbench';

export default defineScenario({
  name: 'distribution',
  description: '40 arrivals/s for 6 s per topology; each client echoes, reconnects once, echoes again',
  topology: [
    'single',
    'cluster:4:rr',
    'cluster:4:none',
    'sticky:4',
    'sticky:4:simple_loop',
    'router:2x2',
    'lb:4:roundrobin',
    'lb:4:source',
    'lb-sticky:4',
    'lb-sticky:4:proxy',
  ],
  sourceIps: 64,
  phases: [{ duration: '6s', arrivalRate: 40 }],
  async session(client) {
    await client.connect();
    await client.emitWithAck('echo', 1);
    await client.think(300);
    await client.reconnect();
    await client.emitWithAck('echo', 2);
    await client.disconnect();
  },
});
