/**
 * The harness's own share in every result (issue 19): a generator made busy on purpose shows a
 * large harness delay, in result.json (`generator.harnessDelay`, the `harness` metric and its
 * threshold), the console's `harness:` line, the HTML report and the saturation verdict.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { memOutput } from './helpers.ts';

test('a generator made busy on purpose shows a large harness delay, everywhere the result is read', async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-it-'));
  const stdout = memOutput();
  const outcome = await run('test/fixtures/busy-generator.ts', { out, generators: 1, stdout, stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  const h = r.generator.harnessDelay;
  assert.ok(h, 'generator.harnessDelay is in the result');
  // 4 echoing clients × 100 acked echoes, each with one harness sample (client 0 only busy-waits)
  assert.equal(h.count, r.metrics['ack:echo']!.count);
  assert.equal(h.count, 400);
  // client 0 held the loop 60 ms at a time, 10 times over 2 s: at least the writes that fell due
  // while it did were late by tens of ms (a bound measured from the busy-wait, not a timing guess)
  assert.ok(h.max >= 30, `harness max ${h.max} ms`);
  assert.ok(h.p99 >= 20, `harness p99 ${h.p99} ms`);
  // the harness's share is part of each latency: never more than the latency it is part of
  assert.ok(h.p99 <= r.metrics['ack:echo']!.p99 + 0.01 && h.max <= r.metrics['ack:echo']!.max + 0.01);
  assert.deepEqual(r.metrics.harness && { p99: r.metrics.harness.p99, max: r.metrics.harness.max }, { p99: h.p99, max: h.max });
  // the threshold on it is evaluated
  const t = r.thresholds.find((x) => x.subject === 'harness.p99');
  assert.ok(t && t.actual === h.p99 && t.ok, JSON.stringify(t));
  // the saturation verdict blames the generator (the sentinel, the coordinator, was not busy) or, on a busy host, the host
  assert.notEqual(r.generator.saturation.verdict, 'ok', JSON.stringify(r.generator.saturation));
  assert.ok(
    r.generator.saturation.reasons.some((x) => /harness delay p99|event-loop delay/.test(x)),
    r.generator.saturation.reasons.join('; '),
  );
  assert.match(stdout.text(), /harness: latencies include at most [\d.]+ ms \(p99\) of the generator's own delay/);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(
    html,
    /harness: latencies include at most [\d.]+ ms \(p99\) of the generator&#39;s own delay|harness: latencies include at most [\d.]+ ms \(p99\) of the generator's own delay/,
  );
});
