import { defineScenario } from 'rtbench';

/** The app's fan-out event (examples/apps/socketio-chat.ts): `sentAt` is the sender's Date.now(). */
interface ChatMessage {
  room: string;
  text: string;
  from: string;
  sentAt: number;
}

/**
 * Drives the Socket.IO chat app (examples/apps/socketio-chat.ts), or any server with the same
 * events: `npx rtbench run examples/socketio-chat.ts --target http://127.0.0.1:4120/chat`.
 * The `/chat` in --target selects the namespace, as `io(url)` does.
 *
 * Each client authenticates with its own token (`auth`) and the tenant header, joins one of 5
 * rooms, waits 1 s for the others, sends 10 messages (one every 200 ms, open loop, each acked with
 * the number of deliveries), and stays 2 s more to receive the rest of its room's messages. Every
 * `chat:message` received records the app's own fan-out latency (now − the sender's `sentAt`, on
 * this host's wall clock) in the custom trend `fanout`, and counts `delivered`.
 */
export default defineScenario({
  name: 'socket.io chat app',
  requiresTarget: true,
  engine: 'socket.io',
  connect: (ctx) => ({ auth: { token: `secret-user${ctx.id}` }, headers: { 'x-tenant': 'acme' } }),
  phases: [{ duration: '20s', vus: 40 }],
  metrics: { fanout: 'trend', delivered: 'counter' },
  thresholds: {
    'ack:chat:send.p99': '< 1s',
    'fanout.p99': '< 1s',
    'delivered.count': '> 0',
    'checks.failRate': '< 1%',
    'sessions.failedRate': '< 1%',
    'errors.rate': '< 1%',
  },
  async session(client, ctx) {
    await client.connect(); // timed as `connect`; a refused handshake is a connect_error with the app's message
    const room = `room-${ctx.id % 5}`;
    client.on('chat:message', (...args) => {
      const m = args[0] as ChatMessage;
      ctx.metrics.record('fanout', Math.max(0, Date.now() - m.sentAt));
      ctx.metrics.count('delivered');
    });
    const joined = await client.emitWithAck<{ ok: boolean }>('room:join', room); // timed as `ack:room:join`
    if (!joined.ok) throw new Error(`room:join ${room} refused`);
    await client.think(1000);
    await client.every(200, 10, async (i) => {
      const r = await client.emitWithAck<{ ok: boolean }>('chat:send', { room, text: `hello ${i}`, sentAt: Date.now() }); // `ack:chat:send`
      if (!ctx.check('chat:send accepted', r.ok)) throw new Error('chat:send refused');
    });
    await client.think(2000);
  },
});
