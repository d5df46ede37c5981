/**
 * A server that sends each client one 20 MB message: every client gets it whole (checked by
 * length), it is counted once, nothing is an error, and the run ends on time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAgainst, startHostile } from './harness.ts';

for (const engine of ['ws', 'socket.io', 'socket.io-lean'] as const) {
  test(`${engine}: a 20 MB message per client: received whole, counted once, no error, on time`, async () => {
    const s = await startHostile(engine === 'ws' ? 'ws-big' : 'sio-big');
    try {
      const { r, exitCode, wallMs } = await runAgainst('big.ts', s.url, { HOSTILE_ENGINE: engine });
      const st = await s.stats();
      const started = r.counters['sessions.started']!;
      assert.equal(started, 3);
      // the ws engine's pre-run check is one WebSocket upgrade more, closed at once
      assert.equal(st.connections, engine === 'ws' ? started + 1 : started);
      assert.equal(st.sent, started);
      assert.deepEqual(r.errors, {});
      assert.equal(r.counters['check:20 MB.pass'], started, 'each client got all 20 MB');
      assert.equal(r.counters['checks.fail'] ?? 0, 0);
      assert.equal(r.counters['messages.received'], started);
      assert.equal(r.counters['sessions.completed'], started);
      assert.equal(exitCode, 0);
      assert.ok(wallMs < 1000 + 1200 + 20_000, `run took ${Math.round(wallMs)} ms`);
    } finally {
      await s.close();
    }
  });
}
