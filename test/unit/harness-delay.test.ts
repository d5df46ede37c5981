/** The harness's own delay per operation (issue 19): recorded per op, judged by the saturation verdict, printed, thresholded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionClient } from '../../src/clients/session-client.ts';
import type { Transport } from '../../src/clients/types.ts';
import { assessSaturation, summarizeHealth, type HealthSample } from '../../src/metrics/health.ts';
import { harnessLine } from '../../src/reporters/console-summary.ts';
import { parseThreshold } from '../../src/thresholds/parse.ts';
import type { RunResult } from '../../src/result/types.ts';
import { monoMs } from '../../src/shared/clock.ts';
import { FakeSink } from './fake-sink.ts';

/** Acks at once (next microtask): what is measured is the client's side alone. */
class InstantTransport implements Transport {
  async connect(): Promise<void> {}
  emit(): void {}
  emitWithAck(_e: string, args: unknown[]): Promise<unknown[]> {
    return Promise.resolve(args);
  }
  onEvent(): void {}
  onDisconnect(): void {}
  close(): void {}
}

test('one harness sample per timed operation, never more than the latency it is part of; a busy loop shows in it', async () => {
  const sink = new FakeSink();
  const t = new InstantTransport();
  const c = new SessionClient(() => t, sink, {
    id: 1,
    sourceAddress: '127.0.0.1',
    intendedStart: monoMs(),
    ackTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    random: () => 0.5,
  });
  await c.connect();
  // the loop is held 40 ms (measured here) while iterations fall due every 5 ms
  let blocked = 0;
  setTimeout(() => {
    const from = performance.now();
    while (performance.now() - from < 40) {
      // busy
    }
    blocked = performance.now() - from;
  }, 30);
  await c.every(5, 30, async (i) => {
    await c.emitWithAck('echo', i);
  });
  const harness = sink.of('harness');
  const acks = sink.of('ack');
  assert.equal(harness.length, 30);
  assert.equal(acks.length, 30);
  for (let i = 0; i < 30; i++) assert.ok(harness[i]! <= acks[i]! + 1e-9, `op ${i}: harness ${harness[i]} ms > latency ${acks[i]} ms`);
  assert.ok(blocked >= 40);
  // an iteration due during the block was written when the block ended: late by at least most of it
  assert.ok(Math.max(...harness) >= blocked - 10, `harness max ${Math.max(...harness)} ms, loop held ${blocked} ms`);
  await c.disconnect();
});

const sample = (loop = 5): HealthSample => ({ t: 0, cpu: 30, loopDelayP99: loop, loopDelayMax: loop, gcPauseMs: 0, gcPauseMax: 0, rssMb: 100, clients: 10 });
const dist = (p99: number) => ({ count: 100, min: 0, mean: p99 / 4, p50: p99 / 10, p90: p99 / 2, p99, p999: p99, max: p99, hdr: '' });

test('saturation: operations written late blame the generator, unless a plain process on the host was delayed alike', () => {
  const calm = summarizeHealth(0, 1, [sample(), sample()], 10);
  assert.equal(assessSaturation([calm], undefined, null, undefined, dist(5)).verdict, 'ok');
  const own = assessSaturation([calm], undefined, { loopDelayP99: 2, loopDelayMax: 3 }, undefined, dist(80));
  assert.equal(own.verdict, 'generator');
  assert.match(own.reasons[0]!, /harness delay p99 80ms \(bound 20ms/);
  const host = assessSaturation([calm], undefined, { loopDelayP99: 60, loopDelayMax: 90 }, undefined, dist(80));
  assert.equal(host.verdict, 'host');
});

test('the console line and the threshold subject', () => {
  const r = {
    generator: {
      processes: [],
      harnessDelay: { count: 10, p50: 0.05, p90: 0.2, p99: 1.25, max: 3 },
      saturation: { saturated: false, verdict: 'ok', reasons: [] },
    },
  } as unknown as RunResult;
  assert.match(harnessLine(r)!, /^harness: latencies include at most 1\.25 ms \(p99\) of the generator's own delay/);
  assert.equal(harnessLine({ generator: { processes: [], saturation: { saturated: false, reasons: [] } } } as unknown as RunResult), null);
  const th = parseThreshold('harness.p99', '< 1ms');
  assert.ok(typeof th !== 'string', String(th));
  assert.deepEqual(th.parsed, { kind: 'latency', metric: 'harness', stat: { percentile: 99 } });
});
