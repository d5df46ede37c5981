/**
 * Live outputs say what each line covers (issue 23, item 8): `--repeat` rounds' final lines are
 * marked `scope: 'round'` and the run closes with a whole-run line equal to result.json; a capacity
 * search's lines carry their step's rate; what an output delivered (Prometheus drops) is kept in
 * result.json's `outputs`, not only on the console.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveOutput, type LiveSample, type LiveSink } from '../../src/outputs/sample.ts';
import { prometheusSink, toSeries } from '../../src/outputs/prometheus.ts';
import type { RunFile, RunResult } from '../../src/result/types.ts';
import type { RunStartInfo } from '../../src/run/reporter.ts';

const result = (started: number): RunResult =>
  ({ topology: 'single', durationMs: 1000, counters: { 'sessions.started': started }, errors: {}, metrics: {}, timeseries: [] }) as unknown as RunResult;
const file = (runs: RunResult[]): RunFile =>
  ({ schema: 'rtbench.result/v1', scenario: { name: 's', file: 's.ts', options: {} }, environment: {}, createdAt: '', runs }) as unknown as RunFile;
const info = (extra: Partial<RunStartInfo>): RunStartInfo => ({
  scenario: 's',
  topology: 'single',
  target: 'x',
  engine: 'socket.io',
  totalMs: 1000,
  generators: 1,
  sourceIps: 1,
  ...extra,
});

function recorder(): LiveSink & { got: LiveSample[] } {
  const got: LiveSample[] = [];
  return { got, sample: (s) => void got.push(s), end: () => undefined };
}

test("--repeat: each round's final line is scope round (its own counters); the run closes with a whole-run line equal to result.json", async () => {
  const sink = recorder();
  const live = liveOutput([sink]);
  for (const [i, n] of [
    [0, 10],
    [1, 12],
  ] as const) {
    live.onRunStart!(info({ round: { index: i, of: 2 } }));
    live.onRunEnd!(result(n));
  }
  await live.onEnd!(file([result(22)]), { outDir: '' });
  assert.deepEqual(
    sink.got.map((s) => [s.final, s.scope, s.round, s.counters['sessions.started']]),
    [
      [true, 'round', 0, 10],
      [true, 'round', 1, 12],
      [true, 'run', undefined, 22],
    ],
  );
});

test('a single run: one final line, scope run, and no extra closing line', async () => {
  const sink = recorder();
  const live = liveOutput([sink]);
  live.onRunStart!(info({}));
  live.onRunEnd!(result(5));
  await live.onEnd!(file([result(5)]), { outDir: '' });
  assert.deepEqual(
    sink.got.map((s) => [s.scope, s.round, s.counters['sessions.started']]),
    [['run', undefined, 5]],
  );
});

test("a capacity-search step: its lines carry the step's rate (and Prometheus a step_rate label)", async () => {
  const sink = recorder();
  const live = liveOutput([sink]);
  live.onRunStart!(info({ step: { rate: 40 } }));
  live.onTick!({ topology: 'single', elapsedMs: 1000, connected: 3, point: null } as never);
  live.onRunEnd!(result(200));
  assert.deepEqual(
    sink.got.map((s) => s.step),
    [{ rate: 40 }, { rate: 40 }],
  );
  const labels = toSeries(sink.got[1]!, { scenario: 's', run_id: 'r' }, 1)[0]!.labels;
  assert.equal(labels.step_rate, '40');
});

test('what the Prometheus output dropped is kept in result.json (`outputs`), not only on the console', async () => {
  const sink = prometheusSink({
    target: { url: 'http://127.0.0.1:9/api/v1/write', headers: {}, display: 'http://127.0.0.1:9/api/v1/write' },
    labels: { scenario: 's', run_id: 'r' },
    warn: () => {},
    info: () => {},
    fetch: (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    }) as typeof fetch,
  });
  const live = liveOutput([sink]);
  live.onRunStart!(info({}));
  live.onRunEnd!(result(5));
  const f = file([result(5)]);
  await live.onEnd!(f, { outDir: '' });
  assert.equal(f.outputs?.length, 1);
  const o = f.outputs![0]!;
  assert.deepEqual([o.kind, o.where, o.sent], ['prometheus', 'http://127.0.0.1:9/api/v1/write', 0]);
  assert.ok(o.dropped > 0, `dropped ${o.dropped}`);
});
