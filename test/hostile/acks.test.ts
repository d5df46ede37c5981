/**
 * Hostile servers that swallow acks or drop the client mid-ack. Every session's fate is counted
 * exactly (the server's own counts against rtbench's), each error under its true kind with its
 * sample, and the run ends on schedule.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorsOf, runAgainst, startHostile } from './harness.ts';

/** Plan (1 s phase) + the ack timeout + generator start-up and reports: a run must end within this. */
const ON_TIME_MS = 1000 + 1500 + 15_000;

for (const engine of ['socket.io', 'socket.io-lean'] as const) {
  test(`${engine}: a server that never acks: one ack_timeout per session, the sample names the event and timeout, on time`, async () => {
    const s = await startHostile('sio-never-ack');
    try {
      const { r, exitCode, wallMs } = await runAgainst('ack.ts', s.url, { HOSTILE_ENGINE: engine });
      const st = await s.stats();
      const started = r.counters['sessions.started']!;
      assert.equal(started, 4, 'each of 4 VUs runs one session (it lasts past the 1 s phase)');
      assert.equal(st.connections, started);
      assert.equal(st.echo, started);
      assert.deepEqual(errorsOf(r), { ack_timeout: [['no ack for `echo` within 1500ms', started]] });
      assert.equal(r.counters['sessions.failed'], started);
      assert.equal(r.counters['sessions.completed'] ?? 0, 0);
      assert.equal(r.metrics.ack?.count ?? 0, 0, 'no ack latency was recorded');
      assert.equal(exitCode, 99);
      assert.ok(wallMs < ON_TIME_MS, `run took ${Math.round(wallMs)} ms`);
    } finally {
      await s.close();
    }
  });

  test(`${engine}: a server that drops the client instead of acking: \`disconnected\` (not ack_timeout), twice per session, exact`, async () => {
    const s = await startHostile('sio-drop');
    try {
      const { r, exitCode, wallMs } = await runAgainst('ack.ts', s.url, { HOSTILE_ENGINE: engine });
      const st = await s.stats();
      const started = r.counters['sessions.started']!;
      assert.ok(started >= 4, `${started} sessions`);
      assert.equal(st.connections, started);
      assert.equal(st.echo, started, 'every session sent its echo and was dropped for it');
      // the drop itself, and the ack it cut off: both under `disconnected`, both with the reason
      assert.deepEqual(errorsOf(r), {
        disconnected: [
          ['connection closed before the ack of `echo`: io server disconnect', started],
          ['server closed the connection: io server disconnect', started],
        ],
      });
      assert.equal(r.counters.disconnects, started);
      assert.equal(r.counters['sessions.failed'], started);
      assert.equal(exitCode, 99);
      assert.ok(wallMs < ON_TIME_MS, `run took ${Math.round(wallMs)} ms`);
    } finally {
      await s.close();
    }
  });

  test(`${engine}: an interrupted run: acks cut off by the interrupt are \`disconnected\` (client disconnected), the sessions interrupted`, async () => {
    const s = await startHostile('sio-never-ack');
    const ac = new AbortController();
    try {
      const running = runAgainst('ack.ts', s.url, { HOSTILE_ENGINE: engine, HOSTILE_ACK_TIMEOUT: '20s' }, { signal: ac.signal });
      // interrupt once every client's echo reached the server (at most 15 s)
      const deadline = Date.now() + 15_000;
      while (((await s.stats()).echo ?? 0) < 4 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      const t0 = performance.now();
      ac.abort();
      const { r, exitCode } = await running;
      assert.ok(performance.now() - t0 < 10_000, 'stops within seconds, not after the 20 s ack timeout');
      assert.equal(r.status, 'interrupted');
      assert.equal(exitCode, 130);
      assert.equal(r.counters['sessions.started'], 4);
      assert.equal(r.counters['sessions.interrupted'], 4);
      assert.equal(r.errors.ack_timeout, undefined, JSON.stringify(r.errors));
      assert.deepEqual(errorsOf(r), { disconnected: [['connection closed before the ack of `echo`: client disconnected', 4]] });
    } finally {
      await s.close();
    }
  });
}
