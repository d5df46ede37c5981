import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { buildRunResult } from '../../src/collect/build.ts';
import { gateThresholds } from '../../src/thresholds/gate.ts';
import { runFile } from '../../src/result/run-file.ts';
import { environment } from '../../src/result/environment.ts';

/** The claim in ARCHITECTURE.md ("about 1 MB"): the whole file as `rtbench run` writes it, pretty-printed. */
const CLAIM_BYTES = 1_100_000;

test('result size stays bounded: one hour at 10k msgs/s, the whole result.json as written, about 1 MB', async () => {
  const agg = new Aggregator();
  const rec = new Recorder(0);
  let seed = 1;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let t = 0; t < 3600; t++) {
    // 10k messages a second are counted; a sample of their latencies (spread like a real run) is recorded
    rec.count('messages.sent', 5000);
    rec.count('messages.received', 5000);
    rec.count('sessions.started', 10);
    rec.count('sessions.completed', 10);
    for (let i = 0; i < 50; i++) {
      const ms = 1 + rnd() * 20 + (rnd() < 0.01 ? rnd() * 2000 : 0);
      rec.record('ack', ms);
      rec.record('ack:echo', ms);
      rec.record('broadcast', ms * 1.5);
      rec.record('lag', rnd());
      rec.record('harness', rnd() * 0.3);
    }
    for (let i = 0; i < 10; i++) {
      rec.record('connect', 2 + rnd() * 5);
      rec.record('session', 1000 + rnd() * 100);
    }
    if (t % 10 === 0) rec.error('ack_timeout', `no ack for \`echo\` within 10000ms (second ${t})`);
    agg.add(rec.flush(t));
  }
  const run = buildRunResult(
    agg,
    {
      topology: 'single',
      target: 'http://127.0.0.1:3000',
      engine: 'socket.io',
      status: 'completed',
      startedAt: new Date(0).toISOString(),
      durationMs: 3_600_000,
      processes: [],
    },
    gateThresholds({ 'ack.p99': '< 100ms' }),
  );
  const file = runFile({ name: 'one hour', file: 'scenarios/echo.ts', options: {} }, await environment(), [run]);
  const bytes = Buffer.byteLength(`${JSON.stringify(file, null, 2)}\n`); // as src/reporters/json.ts writes it
  const series = Buffer.byteLength(JSON.stringify(run.timeseries, null, 2));
  assert.equal(run.timeseries.length, 3600);
  assert.equal(run.counters['messages.sent'], 18_000_000);
  assert.equal(run.errors.ack_timeout!.count, 360, 'errors are counted, one sample kept');
  assert.ok(bytes < CLAIM_BYTES, `result of a one-hour run is ${(bytes / 1e6).toFixed(2)} MB`);
  process.stdout.write(`# one-hour result: ${(bytes / 1e6).toFixed(2)} MB, of which the 3,600 per-second points ${(series / 1e6).toFixed(2)} MB\n`);
});
