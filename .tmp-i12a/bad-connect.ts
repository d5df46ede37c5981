import { defineScenario } from 'rtbench';
export default defineScenario({
  name: 'bad connect',
  engine: 'socket.io',
  connect: { nsp: '/chat', namespace: 'chat' } as never,
  phases: [{ duration: '1s', vus: 1 }],
  async session(client) { await client.connect(); },
});
