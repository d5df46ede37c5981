/**
 * What the harness keeps per idle session (issue 19: a generator holding 100,000 idle connections
 * must cost ~nothing beyond the engine). The generator's own path (LoadRunner, session client,
 * ctx, timers, recorder) drives idle sessions over a transport with no socket, so the heap after
 * GC per session is the harness's alone (the engine's own is bench/engine-cpu.ts's figure). A
 * heap measure after full GCs, not a timing: it moves by a few percent between runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Transport } from '../../src/clients/types.ts';
import { LoadRunner } from '../../src/generator/runner.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { planScenario } from '../../src/plan/plan.ts';
import { monoMs, sleep } from '../../src/shared/clock.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of harness heap an idle session may keep: 2,800 measured on 2026-12-08 (5,900 before issue 19), plus ~10% for the measure's spread. */
const BUDGET_BYTES = 3100;

class NoSocket implements Transport {
  connect(): Promise<void> {
    return Promise.resolve();
  }
  emit(): void {}
  emitWithAck(): Promise<unknown[]> {
    return Promise.resolve([]);
  }
  onEvent(): void {}
  onDisconnect(): void {}
  close(): void {}
}

const heap = (): number => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};

test(`an idle session keeps at most ${BUDGET_BYTES} bytes of harness heap in its generator`, async () => {
  const N = 4000;
  process.env.RTBENCH_TEST_IDLE = String(N);
  const { module, scenario } = await planScenario('test/fixtures/idle-hold.ts', {}, 'run');
  const recorder = new Recorder(0);
  const startAt = monoMs() + 200;
  const runner = new LoadRunner({
    scenario: module,
    engine: () => new NoSocket(),
    plan: { scenario, generator: 0, generators: 1, target: 'http://127.0.0.1:9', sourceIps: ['127.0.0.1'], clockOffsetMs: 0 },
    sink: recorder,
    startAt,
  });
  // warm up: the modules, the recorder's histograms and the runner's structures exist before the baseline
  recorder.record('connect', 1);
  recorder.record('lag', 1);
  const before = heap();
  const done = runner.run();
  while (runner.active < N && monoMs() < startAt + 10_000) await sleep(50);
  assert.equal(runner.active, N, 'every session arrived and is idle');
  assert.equal(recorder.connected, N);
  const perSession = (heap() - before) / N;
  runner.interrupt();
  await done;
  assert.ok(perSession > 0, `heap per idle session ${perSession.toFixed(0)} B`);
  assert.ok(
    perSession <= BUDGET_BYTES,
    `an idle session keeps ${perSession.toFixed(0)} B of harness heap, over the ${BUDGET_BYTES} B budget: something new is held per client (per-client state, timers, closures); find it with a heap snapshot diff (BENCHMARKS.md, 100,000 connections)`,
  );
  process.stdout.write(`# harness heap per idle session: ${perSession.toFixed(0)} B (budget ${BUDGET_BYTES} B)\n`);
});
