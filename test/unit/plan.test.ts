import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvePlan } from '../../src/plan/plan.ts';
import { defaultGenerators } from '../../src/plan/generators.ts';
import { abortWatcher } from '../../src/run/abort-watch.ts';
import { RunStream } from '../../src/run/stream.ts';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import type { Reporter } from '../../src/run/reporter.ts';
import type { ResolvedScenario } from '../../src/scenario/validate.ts';
import { parseThresholds } from '../../src/thresholds/parse.ts';
import * as clock from '../../src/shared/clock.ts';
import { gateThresholds, withDefaultGate } from '../../src/thresholds/gate.ts';

test('the run plan: resolved once, --duration applied, thresholds parsed with the default gate, plain data a generator can receive', async () => {
  const { plan, shardRun } = await resolvePlan('test/fixtures/tiny-echo.ts', { duration: '1s' }, () => {});
  assert.equal(shardRun, null);
  assert.equal(plan.scenario.totalMs, 1000);
  assert.equal(plan.scenario.phases[0]!.durationMs, 1000, 'phases scaled to --duration in the plan, not again in each generator');
  assert.deepEqual(
    plan.thresholds.map((t) => `${t.subject} ${t.condition}`),
    ['sessions.failedRate < 1%'],
  );
  assert.deepEqual(plan.topologies, ['single']);
  assert.equal(plan.generators, 1, '10 arrivals/s need one generator, whatever the cores');
  assert.equal(plan.clockOffsetMs, 0);
  assert.deepEqual(plan.slots, [{ generator: 0, generators: 1 }]);
  assert.deepEqual(structuredClone(plan), plan, 'serialisable as it is: what the generators receive');
});

test('thresholds are parsed once: the plan holds the very thresholds validation parsed, with the default gate added first', async () => {
  const { plan } = await resolvePlan('test/fixtures/gated.ts', { dryRun: true }, () => {});
  const own = plan.scenario.parsedThresholds;
  assert.ok(own.length >= 3, JSON.stringify(own));
  assert.equal(plan.thresholds.length, own.length + 1);
  assert.equal(plan.thresholds[0]!.subject, 'sessions.failedRate');
  own.forEach((t, i) => assert.equal(plan.thresholds[i + 1], t, `${t.subject}: the validated object itself, not parsed again`));
  // the same list, in the same order, as parsing the thresholds as written with the gate
  assert.deepEqual(plan.thresholds, gateThresholds(plan.scenario.thresholds, plan.scenario.metrics));
});

test('the default gate on parsed thresholds: kept, overridden in its place, or turned off', () => {
  const list = (spec: Record<string, unknown>): string[] => withDefaultGate(spec, parseThresholds(spec).thresholds).map((t) => `${t.subject} ${t.condition}`);
  assert.deepEqual(list({ 'ack.p99': '< 5ms' }), ['sessions.failedRate < 1%', 'ack.p99 < 5ms']);
  assert.deepEqual(list({ 'ack.p99': '< 5ms', 'sessions.failedRate': '< 50%' }), ['sessions.failedRate < 50%', 'ack.p99 < 5ms']);
  assert.deepEqual(list({ 'ack.p99': '< 5ms', 'sessions.failedRate': false }), ['ack.p99 < 5ms']);
});

test('default generator count: sized from the load, at most one per core', () => {
  const s = (phases: Array<Partial<ResolvedScenario['phases'][number]>>, peakClients: number | null = null): ResolvedScenario =>
    ({ phases, peakClients }) as unknown as ResolvedScenario;
  assert.equal(defaultGenerators(s([{ kind: 'arrivals', from: 20, to: 20 }]), 8), 1);
  assert.equal(defaultGenerators(s([{ kind: 'arrivals', from: 0, to: 1800 }]), 8), 4);
  assert.equal(defaultGenerators(s([{ kind: 'vus', from: 0, to: 12_000 }]), 8), 3);
  assert.equal(defaultGenerators(s([{ kind: 'arrivals', from: 10, to: 10 }], 40_000), 2), 2, 'never more than the cores');
});

test('no module-level clock offset: shared-clock time takes the offset from the plan', () => {
  assert.equal('setSharedClockOffset' in clock, false);
  const a = clock.monoMs();
  const b = clock.sharedMs(1000);
  assert.ok(b - a >= 1000 && b - a < 1100);
});

test('one stream: abortOnFail reads the figures of the run so far from the tick, and fires once', async () => {
  const agg = new Aggregator();
  const fired: string[] = [];
  const watch = abortWatcher(parseThresholds({ 'ack.max': { condition: '< 5ms', abortOnFail: true }, 'ack.p50': '< 1ms' }).thresholds, (why) =>
    fired.push(why),
  )!;
  const seen: number[] = [];
  const feeder: Reporter = { name: 'feed', onSnapshot: (s) => agg.add(s) };
  const counter: Reporter = { name: 'count', onSnapshot: (s) => seen.push(s.t) };
  const stream = new RunStream([feeder, counter, watch]);
  const rec = new Recorder(0);
  rec.record('ack', 20);
  stream.snapshot(rec.flush(0));
  assert.deepEqual(seen, [0], 'every consumer gets every snapshot');
  stream.startTicks({ topology: 't', totalMs: 10_000, begunMs: Date.now(), agg });
  for (let i = 0; i < 100 && fired.length === 0; i++) await new Promise((r) => setTimeout(r, 100)); // ≤ 10 s, a tick a second
  await new Promise((r) => setTimeout(r, 1200)); // one more tick: it must not fire again
  stream.stopTicks();
  assert.equal(fired.length, 1);
  assert.match(fired[0]!, /^ack\.max < 5ms \(was 20/);
  assert.equal(
    abortWatcher(parseThresholds({ 'ack.p50': '< 1ms' }).thresholds, () => {}),
    null,
    'no abortOnFail: no watcher, no mid-run merge',
  );
});
