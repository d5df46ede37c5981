/**
 * HTTP long-polling needs stickiness: every request of an Engine.IO session must reach the worker
 * that holds the session. Without it (`cluster:4:rr` deals each request round-robin) the server
 * answers HTTP 400 "Session ID unknown", counted here as `session_unknown` errors. With
 * stickiness by session id (`sticky:4:sid`, @socket.io/sticky) or by cookie (`lb:4:cookie`,
 * HAProxy) there are none.
 */
import { defineScenario } from 'rtbench';

export default defineScenario({
  name: 'polling-sticky',
  description: 'long-polling clients with and without stickiness',
  topology: ['cluster:4:rr', 'sticky:4:sid', 'lb:4:cookie'],
  transports: ['polling'],
  sourceIps: 16,
  connectTimeout: '5s',
  ackTimeout: '3s',
  phases: [{ duration: '5s', arrivalRate: 20 }],
  async session(client) {
    await client.connect();
    await client.every(200, 5, async (i) => {
      await client.emitWithAck('echo', i);
    });
    await client.disconnect();
  },
});
