import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { progressReporter } from '../../src/reporters/progress.ts';
import type { ProgressTick } from '../../src/run/reporter.ts';

test("per second: raw-frame request() latency beside ack's; the progress line shows it when the run makes requests and no acks", () => {
  const rec = new Recorder(0);
  for (let v = 1; v <= 100; v++) rec.record('request', v);
  const agg = new Aggregator();
  agg.add(rec.flush(0));
  agg.add(new Recorder(0).flush(1));
  const [first, quiet] = agg.timeseries();
  assert.equal(first!.ackP99, null);
  assert.ok(Math.abs(first!.requestP99! - 99) < 0.1, String(first!.requestP99));
  assert.equal('requestP99' in quiet!, false, 'a second without requests has no requestP99');
  assert.ok(agg.seconds()[0]!.request, 'shard seconds keep the request histogram for an exact merge');

  let text = '';
  const p = progressReporter({ write: (t) => void (text += t), isTTY: false }, 0);
  const tick = (point: ProgressTick['point'], ackP99: number | null): ProgressTick => ({
    topology: 'external',
    elapsedMs: 1000,
    totalMs: 5000,
    connected: 3,
    msgsPerSec: 10,
    ackP99,
    errors: 0,
    point,
    figures: () => ({ metrics: {}, counters: {}, workers: agg.workers(), durationMs: 1000 }),
  });
  p.onRunStart!({ scenario: 's', topology: 'external', target: 'ws://127.0.0.1:1/rpc', engine: 'ws', totalMs: 5000, generators: 1, sourceIps: 1 });
  p.onTick!(tick(first!, null));
  p.onTick!(tick(quiet!, null));
  const lines = text.trim().split('\n').slice(1);
  assert.match(lines[0]!, /request p99 99\.0ms/);
  assert.match(lines[1]!, /request p99 -/, 'a quiet second keeps the label');
  text = '';
  p.onTick!(tick({ ...quiet!, ackP99: 2 }, 2));
  assert.match(text, /ack p99 2\.0ms/);
});
