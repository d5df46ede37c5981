/**
 * Foul weather against apps written for the test (test/integration/weather-app.ts), each keeping
 * its own truth: network faults on the generator's own sockets, Socket.IO connection-state
 * recovery on both Socket.IO engines, `client.onReconnect`, and delivery counted on the app's
 * per-room `tick` stream (`sequences`). rtbench's counts are compared with the app's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import type { RunResult } from '../../src/result/types.ts';
import { memOutput } from './helpers.ts';
import { startSocketIoWeather, startWsWeather, type WeatherApp } from './weather-app.ts';

async function weather(
  app: WeatherApp,
  engine: string,
  faults: unknown[],
  env: Record<string, string> = {},
): Promise<{ r: RunResult; stderr: string; stdout: string }> {
  const keep = { ...process.env };
  Object.assign(process.env, { RTBENCH_TEST_ENGINE: engine, RTBENCH_TEST_FAULTS: JSON.stringify(faults), ...env });
  const stderr = memOutput();
  const stdout = memOutput();
  try {
    const o = await run('test/fixtures/weather.ts', { target: app.url, generators: 1, out: mkdtempSync(join(tmpdir(), 'rtbench-weather-')), stdout, stderr });
    return { r: o.file.runs[0]!, stderr: stderr.text(), stdout: stdout.text() };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in keep)) delete process.env[k];
    Object.assign(process.env, keep);
  }
}

const c = (r: RunResult, k: string): number => r.counters[k] ?? 0;

const DROPS = [
  { at: '1500ms', network: 'drop', clients: '50%', offline: '300ms' },
  { at: '2500ms', network: 'drop', clients: '100%', offline: '0s' },
];

for (const engine of ['socket.io', 'socket.io-lean'] as const) {
  for (const recovery of [true, false]) {
    test(`${engine}, connection-state recovery ${recovery ? 'on' : 'off'}: drops (50% offline 300ms, then 100%) counted as the app counted them; ${recovery ? 'nothing lost' : 'lost = what the app sent to absent clients'}`, async () => {
      const app = await startSocketIoWeather({ recovery });
      try {
        const { r, stderr } = await weather(app, engine, DROPS);
        const t = app.truth;
        assert.match(stderr, /fault drop 50% offline 0\.3s @1\.5s/);
        // every client was connected at each fault: 6, then all 12 were cut
        const [half, all] = r.faults!.faults;
        assert.deepEqual([half!.impact.hit, all!.impact.hit], [6, 12], 'clients: 50% then 100% of the 12 connected');
        assert.equal(t.disconnects, 18, JSON.stringify(t.reasons));
        assert.equal(c(r, 'disconnects'), t.disconnects);
        assert.equal(c(r, 'recovered'), 18, 'clients: 100% reconnects every client');
        assert.equal(c(r, 'recovery.resumed'), t.recovered);
        assert.equal(c(r, 'recovery.fresh'), t.fresh);
        assert.equal(c(r, 'recovery.never'), 0);
        // onReconnect ran once per reconnection, told resumed as the app saw it
        assert.deepEqual([c(r, 'onResumed'), c(r, 'onFresh')], [t.recovered, t.fresh]);
        const received = c(r, 'seq:ticks.received');
        assert.ok(received > 12 * 100, `${received} ticks received`);
        assert.equal(c(r, 'seq:ticks.duplicates'), 0);
        assert.equal(r.metrics['seq:ticks']!.count, received, 'one delivery-latency sample per tick (Date.now() stamps converted)');
        if (recovery) {
          assert.equal(t.recovered, 18, 'every client resumed');
          assert.equal(c(r, 'seq:ticks.lost'), 0, 'nothing lost with recovery on');
          assert.ok(c(r, 'seq:ticks.replayed') > 0, 'missed ticks were replayed');
        } else {
          assert.equal(t.fresh, 18);
          assert.equal(c(r, 'recovery.resumed'), 0);
          const lost = c(r, 'seq:ticks.lost');
          assert.ok(t.missed > 0);
          // a tick written to a socket already reset is lost without the app knowing: at most one per drop and room stream
          assert.ok(lost >= t.missed && lost <= t.missed + t.disconnects, `lost ${lost}, the app sent ${t.missed} to absent clients (${t.disconnects} drops)`);
        }
      } finally {
        await app.close();
      }
    });
  }
}

for (const engine of ['ws', 'ws-raw'] as const) {
  test(`${engine}: drops on a raw WebSocket app: fresh reconnections and lost ticks as the app counted them${engine === 'ws-raw' ? ' (frames read through parseMessage)' : ''}`, async () => {
    const app = await startWsWeather();
    try {
      const { r } = await weather(app, engine, DROPS);
      const t = app.truth;
      assert.equal(t.disconnects, 18, JSON.stringify({ app: t, rtbench: r.counters }));
      assert.deepEqual(
        [c(r, 'disconnects'), c(r, 'recovered'), c(r, 'recovery.fresh'), c(r, 'recovery.resumed'), c(r, 'recovery.never')],
        [18, 18, t.fresh, 0, 0],
      );
      assert.equal(c(r, 'onFresh'), 18);
      // `recovery` runs from the disconnect, `recovery:online` from the end of the offline time: over
      // the 18 reconnections they differ by the 6 clients' 300 ms offline, less each one's detection
      const [rec, online, detect] = [r.metrics.recovery!, r.metrics['recovery:online']!, r.metrics.detect!];
      assert.ok(online, `a recovery:online trend: ${Object.keys(r.metrics).join(', ')}`);
      assert.equal(online.count, rec.count);
      const offlineSum = (rec.mean - online.mean) * rec.count;
      assert.ok(
        offlineSum >= 6 * (300 - detect.max) - 18 && offlineSum <= 6 * 300 + 18,
        `offline time taken out: ${offlineSum} ms for 6 clients 300 ms offline (detect max ${detect.max} ms)`,
      );
      const lost = c(r, 'seq:ticks.lost');
      assert.ok(c(r, 'seq:ticks.received') > 12 * 100);
      assert.ok(lost >= t.missed && lost <= t.missed + t.disconnects, `lost ${lost}, the app sent ${t.missed} to absent clients`);
    } finally {
      await app.close();
    }
  });
}

test('blackhole: silence both ways is noticed only by the heartbeat (detect ≈ pingInterval + pingTimeout), and the clients come back', async () => {
  const app = await startSocketIoWeather({ pingInterval: 300, pingTimeout: 300 });
  try {
    const { r } = await weather(app, 'socket.io-lean', [{ at: '1500ms', network: 'blackhole', clients: 6, for: '2s' }]);
    const f = r.faults!.faults[0]!;
    const seen = JSON.stringify({ hit: f.impact.hit, disconnects: c(r, 'disconnects'), recovered: c(r, 'recovered'), app: app.truth });
    assert.equal(f.impact.hit, 6, seen);
    assert.equal(c(r, 'disconnects'), 6, seen);
    assert.equal(app.truth.disconnects, 6, seen);
    assert.equal(c(r, 'recovered'), 6, seen);
    const d = r.metrics.detect!;
    // a drop is noticed in a few ms; a blackhole only when no ping came for pingInterval + pingTimeout (600 ms)
    assert.ok(d.min >= 250 && d.max < 2000, `detect ${d.min}..${d.max} ms`);
  } finally {
    await app.close();
  }
});

test('slow: a client that stops reading makes the server buffer; nothing is lost once it reads again', async () => {
  const opts = { tickMs: 10, payload: 128 * 1024 };
  const control = await startSocketIoWeather(opts);
  const slowApp = await startSocketIoWeather(opts);
  const env = { RTBENCH_TEST_VUS: '1', RTBENCH_TEST_DURATION: '3500ms' };
  try {
    await weather(control, 'socket.io', [], env);
    const { r } = await weather(slowApp, 'socket.io', [{ at: '800ms', network: 'slow', clients: '100%', for: '2s' }], env);
    assert.equal(r.faults!.faults[0]!.impact.hit, 1);
    const [quiet, slow] = [control.truth.maxBuffered, slowApp.truth.maxBuffered];
    // the kernel's socket buffers take the first megabytes; then they pile up in the server's own write queue
    // (how many depends on how many ticks a loaded machine's timer fires in the 2 s: 3.6 MiB seen at load 8)
    assert.ok(slow >= 1024 * 1024 && quiet * 8 < slow, `server-side buffer: ${slow} bytes with a slow reader, ${quiet} without`);
    assert.equal(c(r, 'disconnects'), 0);
    assert.equal(c(r, 'seq:ticks.lost'), 0);
    assert.ok(r.metrics['seq:ticks']!.max >= 1000, 'ticks held back by the slow reader arrived late');
  } finally {
    await control.close();
    await slowApp.close();
  }
});

test('socketcluster engine: a drop of every client resets its own TCP connection; all come back fresh and subscribe again', async () => {
  const stderr = memOutput();
  const o = await run('test/fixtures/weather-sc.ts', { out: mkdtempSync(join(tmpdir(), 'rtbench-weather-sc-')), stdout: memOutput(), stderr });
  const r = o.file.runs[0]!;
  const seen = JSON.stringify(r.counters);
  assert.equal(r.faults!.faults[0]!.impact.hit, 6, seen);
  assert.deepEqual(
    [c(r, 'disconnects'), c(r, 'recovered'), c(r, 'recovery.fresh'), c(r, 'recovery.resumed'), c(r, 'recovery.never'), c(r, 'onFresh')],
    [6, 6, 6, 0, 0, 6],
    seen,
  );
  assert.ok(c(r, 'seq:news.received') > 0, seen);
  assert.equal(c(r, 'afterReconnect'), 6, `every client got channel messages again after its reconnection: ${seen}`);
  assert.equal(r.metrics['seq:news'], undefined, 'no sentAt declared: no delivery-latency trend');
});
