import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { Recorder } from '../../src/metrics/recorder.ts';

test('result size stays bounded: one hour at 10k msgs/s gives per-second aggregates and fixed-size histograms, a few MB', () => {
  const agg = new Aggregator();
  const rec = new Recorder(0);
  let seed = 1;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let t = 0; t < 3600; t++) {
    // 10k messages a second are counted; a sample of their latencies (spread like a real run) is recorded
    rec.count('messages.sent', 5000);
    rec.count('messages.received', 5000);
    for (let i = 0; i < 50; i++) {
      const ms = 1 + rnd() * 20 + (rnd() < 0.01 ? rnd() * 2000 : 0);
      rec.record('ack', ms);
      rec.record('ack:echo', ms);
      rec.record('broadcast', ms * 1.5);
    }
    if (t % 10 === 0) rec.error('ack_timeout', `no ack for \`echo\` within 10000ms (second ${t})`);
    agg.add(rec.flush(t));
  }
  const result = { metrics: agg.metrics(), counters: agg.counters(), errors: agg.errors(), timeseries: agg.timeseries() };
  const bytes = Buffer.byteLength(JSON.stringify(result, null, 2));
  assert.equal(result.timeseries.length, 3600);
  assert.equal(result.counters['messages.sent'], 18_000_000);
  assert.equal(result.errors.ack_timeout!.count, 360, 'errors are counted, one sample kept');
  assert.ok(bytes < 4 * 1024 * 1024, `result of a one-hour run is ${(bytes / 1024 / 1024).toFixed(2)} MB`);
  process.stdout.write(`# one-hour result: ${(bytes / 1024 / 1024).toFixed(2)} MB\n`);
});
