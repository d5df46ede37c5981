/**
 * Servers that push: one floods every client with numbered, monotonic-stamped `push` events (each
 * counted exactly, no gap, none lost), one stamps its pushes with Date.now() (wall clock, not
 * rtbench's monotonic one): every sample is negative, and the trend must say so, not show 0 ms.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAgainst, startHostile } from './harness.ts';

const FLOOD = 20_000;

for (const engine of ['socket.io', 'socket.io-lean'] as const) {
  test(`${engine}: a flood of ${FLOOD} pushes per client: every one counted and timed, no gap, on time`, async () => {
    const s = await startHostile('sio-flood', { HOSTILE_FLOOD: String(FLOOD) });
    try {
      const { r, exitCode, wallMs } = await runAgainst('push.ts', s.url, { HOSTILE_ENGINE: engine });
      const st = await s.stats();
      const started = r.counters['sessions.started']!;
      assert.equal(started, 4);
      assert.equal(st.connections, started);
      assert.equal(st.pushes, FLOOD * started);
      assert.equal(r.metrics.push!.count, st.pushes, 'every push timed once');
      assert.equal(r.counters['push.gaps'] ?? 0, 0);
      assert.equal(r.counters['push.duplicates'] ?? 0, 0);
      assert.equal(r.counters['push.negative'] ?? 0, 0, 'same clock: no negative sample');
      assert.ok(r.metrics.push!.p50 > 0);
      // each push and the `done` event (welcome is the reference app's only)
      assert.equal(r.counters['messages.received'], st.pushes + started);
      assert.deepEqual(r.errors, {});
      assert.equal(r.counters['sessions.completed'], started);
      assert.equal(exitCode, 0);
      assert.ok(wallMs < 1000 + 1200 + 20_000, `run took ${Math.round(wallMs)} ms`);
    } finally {
      await s.close();
    }
  });

  test(`${engine}: pushes stamped with Date.now(): counted as negative (push.negative), the trend flagged biased, its threshold fails`, async () => {
    const s = await startHostile('sio-datenow');
    try {
      const { r, exitCode, stdout } = await runAgainst('push.ts', s.url, { HOSTILE_ENGINE: engine, HOSTILE_PUSH_P99: '5000' });
      const st = await s.stats();
      const started = r.counters['sessions.started']!;
      assert.equal(st.pushes, 20 * started);
      assert.equal(r.metrics.push!.count, st.pushes);
      assert.equal(r.counters['push.negative'], st.pushes, 'every sample was negative: counted, not silently 0');
      const t = r.thresholds.find((x) => x.subject === 'push.p99')!;
      assert.equal(t.ok, false, 'a biased trend fails its threshold whatever its value');
      assert.match(t.note ?? '', /biased: 80 negative samples/);
      assert.equal(exitCode, 99);
      assert.match(stdout, /WARN trend push: 80 negative samples recorded as 0 \(push\.negative\): its figures are biased/);
      assert.match(stdout, /Date\.now\(\)/, 'names the likely cause');
    } finally {
      await s.close();
    }
  });
}
