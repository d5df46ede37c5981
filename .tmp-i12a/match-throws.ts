import { defineScenario } from 'rtbench';

// a comment
// another comment
interface Reply { id?: number }

export default defineScenario({
  name: 'match throws',
  engine: 'ws',
  connect: { query: { token: 'secret-x' }, headers: { 'x-tenant': 'acme' } },
  phases: [{ duration: '1s', vus: 1 }],
  async session(client) {
    await client.connect();
    await client.request(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2] }), (_m, json) => {
      if ((json as Reply).id === 1) throw new Error('match blew up');
      return false;
    }, { timeout: 500 });
  },
});
