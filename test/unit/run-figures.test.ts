import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareResults } from '../../src/compare/compare.ts';
import { chainTarget, vuChains } from '../../src/executors/vus.ts';
import { idBases } from '../../src/executors/plan.ts';
import { assessSaturation } from '../../src/metrics/health.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { gateThresholds } from '../../src/thresholds/gate.ts';
import { buildRunResult } from '../../src/collect/build.ts';
import { RunCollector } from '../../src/collect/collector.ts';
import type { GeneratorHealth, RunFile, RunResult } from '../../src/result/types.ts';
import { formatSummary } from '../../src/reporters/console-summary.ts';
import { faultsSection } from '../../src/reporters/html/sections.ts';
import { chartRun } from '../../src/reporters/html/data.ts';
import type { FaultReport, FaultSection } from '../../src/result/faults.ts';
import { renderMarkdown } from '../../src/reporters/markdown.ts';
import type { ResolvedPhase } from '../../src/scenario/validate.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { InputError } from '../../src/shared/errors.ts';
import { parseThresholds } from '../../src/thresholds/parse.ts';

const health = (index: number, o: Partial<GeneratorHealth> = {}): GeneratorHealth => ({
  index,
  pid: 1,
  cpuMean: 10,
  cpuMax: 20,
  cpuHotShare: 0,
  cpuHotSeconds: 0,
  loopDelayP99: 5,
  loopDelayMax: 8,
  gcPauseTotal: 0,
  gcPauseMax: 0,
  rssMaxMb: 50,
  peakClients: 10,
  ...o,
});

/** One generator's second `t`: `n` acks of `ms`, a connect to `worker`, sessions started. */
function second(rec: Recorder, t: number, n: number, ms: number, worker: string) {
  for (let i = 0; i < n; i++) rec.record('ack', ms);
  rec.record('connect', 1);
  rec.worker(worker);
  rec.count('sessions.started');
  rec.count('sessions.completed');
  return rec.flush(t);
}

const round = (status: 'completed' | 'interrupted', processes: GeneratorHealth[]) => ({
  target: 'http://127.0.0.1:1',
  status,
  startedAt: 'x',
  durationMs: 2000,
  processes,
});

test('--repeat: one result from every round: saturation, workers, time series and thresholds from all rounds, per-round figures kept', () => {
  const c = new RunCollector({
    topology: 'single',
    engine: 'socket.io',
    rounds: 3,
    thresholds: parseThresholds({ 'ack.max': '< 10ms', 'workers.imbalance': '< 1.3' }).thresholds,
  });
  const rec = new Recorder(0);
  const plan = [
    { ms: 1, worker: 'w#0', processes: [health(0)] },
    { ms: 2, worker: 'w#1', processes: [health(0)] },
    { ms: 40, worker: 'w#1', processes: [health(0, { cpuHotShare: 0.9, cpuHotSeconds: 5, cpuMax: 100 })] }, // round 3 saturated
  ];
  for (const r of plan) {
    c.beginRound();
    c.onSnapshot(second(rec, 0, 10, r.ms, r.worker));
    c.onSnapshot(second(rec, 1, 10, r.ms, r.worker));
    c.endRound({ ...round('completed', r.processes), server: { workers: [{ id: r.worker, pid: 1, current: 0, total: 2 }], counters: { accepted: 2 } } });
  }
  const result = c.result();
  assert.equal(result.generator.saturation.saturated, true, 'round 3 was saturated: so is the run');
  assert.equal(result.generator.processes.length, 3, "every round's generator health");
  assert.deepEqual(result.workers.connections, { 'w#0': 2, 'w#1': 4 }, 'workers from every round');
  assert.equal(result.timeseries.length, 6, 'the time series holds every round, end to end');
  assert.deepEqual(
    result.timeseries.map((p) => Math.round(p.ackP50!)),
    [1, 1, 2, 2, 40, 40],
  );
  assert.deepEqual(
    result.rounds!.map((r) => [Math.round(r.metrics.ack!.p50), r.seconds, r.saturation]),
    [
      [1, { from: 0, to: 2 }, 'ok'],
      [2, { from: 2, to: 4 }, 'ok'],
      [40, { from: 4, to: 6 }, 'generator'],
    ],
  );
  assert.equal(result.metrics.ack!.count, 60);
  assert.deepEqual(
    result.thresholds.map((t) => [t.subject, t.ok]),
    [
      ['ack.max', false],
      ['workers.imbalance', false],
    ],
    "thresholds judge all rounds (round 3's 40 ms acks, the uneven workers)",
  );
  assert.equal(result.durationMs, 6000);
  assert.deepEqual(result.server!.mismatches, [], 'the servers of every round against the clients of every round');
  assert.equal(result.server!.counters.accepted, 6);
});

test('closed model: consecutive vus phases are one chain; VUs carry over and keep their ids', () => {
  const ph = (index: number, kind: 'vus' | 'arrivals', startMs: number, from: number, to: number): ResolvedPhase => ({
    index,
    name: `p${index}`,
    kind,
    startMs,
    durationMs: 4000,
    from,
    to,
  });
  const phases = [ph(0, 'vus', 0, 0, 200), ph(1, 'vus', 4000, 200, 200), ph(2, 'arrivals', 8000, 5, 5), ph(3, 'vus', 12000, 20, 20)];
  const chains = vuChains(phases);
  assert.deepEqual(
    chains.map((c) => c.map((p) => p.index)),
    [[0, 1], [3]],
  );
  assert.equal(chainTarget(chains[0]!, 2000), 100);
  assert.equal(chainTarget(chains[0]!, 5000), 200, "in phase 2 the target is phase 2's, not phase 1's plus phase 2's");
  assert.deepEqual(idBases(phases), [0, 0, 200, 220], 'VU v keeps one id across the chain');
});

test('errors: up to 5 distinct messages per kind, each with its count, merged across generators', () => {
  const a = new Recorder(0);
  const b = new Recorder(1);
  for (let i = 0; i < 20; i++) (i % 2 ? a : b).error('session_error', 'Error: boom');
  for (let i = 0; i < 7; i++) a.error('session_error', "TypeError: Cannot read properties of null (reading 'x')");
  // six messages that differ in words (messages that differ only in numbers group as one shape)
  for (const who of ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']) b.error('connect_error', `refused by ${who}`);
  const agg = new Aggregator();
  agg.add(a.flush(0));
  agg.add(b.flush(0));
  const e = agg.errors();
  assert.equal(e.session_error!.count, 27);
  assert.deepEqual(e.session_error!.messages, [
    { message: 'Error: boom', count: 20 },
    { message: "TypeError: Cannot read properties of null (reading 'x')", count: 7 },
  ]);
  assert.equal(e.connect_error!.count, 6);
  assert.equal(e.connect_error!.messages!.length, 5, 'the 6th distinct message is counted, not listed');
  const text = formatSummary(fileOf({ errors: e }));
  assert.match(text, /session_error ×27:\n\s+×20 Error: boom\n\s+×7 TypeError/);
  assert.match(text, /×1 with other messages/);
});

test('saturation: "generator" when its own CPU or loop delay stands out, "host busy" when a plain process on the host was delayed alike', () => {
  const laggy = health(0, { loopDelayP99: 120 });
  assert.equal(assessSaturation([laggy], undefined, { loopDelayP99: 110, loopDelayMax: 300 }).verdict, 'host');
  assert.equal(assessSaturation([laggy], undefined, { loopDelayP99: 110, loopDelayMax: 300 }).saturated, false);
  assert.equal(assessSaturation([laggy], undefined, { loopDelayP99: 3, loopDelayMax: 10 }).verdict, 'generator');
  const hot = health(0, { cpuHotShare: 0.8, cpuHotSeconds: 8, loopDelayP99: 120 });
  assert.equal(assessSaturation([hot], undefined, { loopDelayP99: 110, loopDelayMax: 300 }).verdict, 'generator', 'its own CPU is its own');
  const lag = { count: 100, min: 0, mean: 30, p50: 20, p90: 50, p99: 180, p999: 200, max: 200, hdr: '' };
  assert.equal(assessSaturation([health(0)], lag, { loopDelayP99: 150, loopDelayMax: 400 }).verdict, 'host');
  assert.equal(assessSaturation([health(0)]).verdict, 'ok');
  const busy = buildRunResult(
    new Aggregator(),
    { ...round('completed', [laggy]), topology: 's', engine: 'e', sentinel: { loopDelayP99: 110, loopDelayMax: 300 } },
    [],
  );
  const text = formatSummary(fileOf(busy));
  assert.match(text, /HOST BUSY — the generators and a plain process on the same host were delayed alike/);
  assert.doesNotMatch(text, /GENERATOR SATURATED|describe the load generator/);
});

test('thresholds on an interrupted run are marked "on partial data" in the result, the console and Markdown', () => {
  const agg = new Aggregator();
  agg.add(second(new Recorder(0), 0, 5, 1, 'w#0'));
  const r = buildRunResult(agg, { ...round('interrupted', []), topology: 's', engine: 'e' }, gateThresholds({}));
  assert.equal(r.thresholdsOnPartialData, true);
  assert.match(formatSummary(fileOf(r)), /thresholds on partial data \(run interrupted\): all 1 passed/);
  assert.match(renderMarkdown(fileOf(r)), /Thresholds on partial data \(run interrupted\)/);
  const done = buildRunResult(agg, { ...round('completed', []), topology: 's', engine: 'e' }, gateThresholds({}));
  assert.equal(done.thresholdsOnPartialData, undefined);
});

test('default gate: sessions.failedRate < 1% unless the scenario changes it or turns it off; sessions come first', () => {
  assert.deepEqual(
    gateThresholds({}).map((t) => `${t.subject} ${t.condition}`),
    ['sessions.failedRate < 1%'],
  );
  assert.deepEqual(
    gateThresholds({ 'sessions.failedRate': '< 50%', 'ack.p99': '< 5ms' }).map((t) => `${t.subject} ${t.condition}`),
    ['sessions.failedRate < 50%', 'ack.p99 < 5ms'],
  );
  assert.deepEqual(gateThresholds({ 'sessions.failedRate': false }), []);
  const v = validateScenario(
    { name: 'x', phases: [{ duration: '1s', vus: 1 }], session: async () => {}, thresholds: { 'sessions.failedRate': false } },
    'x.ts',
  );
  assert.equal(v.thresholds['sessions.failedRate'], false);
  const agg = new Aggregator();
  const rec = new Recorder(0);
  rec.count('sessions.started', 40);
  rec.count('sessions.completed', 13);
  rec.count('sessions.failed', 27);
  agg.add(rec.flush(0));
  const r = buildRunResult(agg, { ...round('completed', []), topology: 's', engine: 'e' }, gateThresholds({}));
  assert.deepEqual(
    r.thresholds.map((t) => [t.subject, t.ok]),
    [['sessions.failedRate', false]],
  );
  const lines = formatSummary(fileOf(r)).split('\n');
  assert.match(lines[2]!, /sessions: 40 started, 13 completed, 27 failed \(67\.5%\)/);
  assert.match(renderMarkdown(fileOf(r)).split('\n')[4]!, /sessions: 40 started, 13 completed, 27 failed/);
  // a run in which no session started measured nothing: the default gate does not pass on 0 of 0
  const none = buildRunResult(new Aggregator(), { ...round('completed', []), topology: 's', engine: 'e' }, gateThresholds({}));
  assert.deepEqual(
    none.thresholds.map((t) => [t.subject, t.ok, t.actual, t.note]),
    [['sessions.failedRate', false, null, 'no session started in this run']],
  );
});

test('zero counts are shown as 0: sequence gaps when broadcasts arrived, errors', () => {
  const agg = new Aggregator();
  const rec = new Recorder(0);
  rec.record('broadcast', 1);
  agg.add(rec.flush(0));
  const text = formatSummary(fileOf(buildRunResult(agg, { ...round('completed', []), topology: 's', engine: 'e' }, [])));
  assert.match(text, /sequence: broadcast gaps 0, duplicates 0, out of order 0/);
  assert.match(text, /errors: 0\n/);
});

test('compare refuses to pair different topologies unless asked', () => {
  const file = (topology: string): RunFile =>
    fileOf({ topology, metrics: { ack: { count: 1, min: 1, mean: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1, hdr: '' } } });
  assert.throws(
    () => compareResults(file('single'), file('external')),
    (e: unknown) =>
      e instanceof InputError && e.code === 'E_COMPARE_TOPOLOGY' && /`single`.*`external`/.test(e.message) && /--cross-topology/.test(e.hint ?? ''),
  );
  assert.ok(compareResults(file('single'), file('external'), undefined, { crossTopology: true }).length > 0);
  assert.ok(compareResults(file('single'), file('single')).length > 0);
});

function fileOf(r: Partial<RunResult>): RunFile {
  const base = buildRunResult(new Aggregator(), { ...round('completed', []), topology: 'single', engine: 'socket.io' }, []);
  return {
    schema: 'rtbench.result/v1',
    scenario: { name: 'unit', file: 'u.ts', options: {} },
    environment: { rtbench: '0', node: 'v20', platform: 'linux', arch: 'x64', cpus: { model: 'x', count: 2 }, memoryGb: 1, hostname: 'h', gitSha: null },
    createdAt: '',
    runs: [{ ...base, ...r } as RunResult], // a fixture: `r` may set status and failure together
  };
}

const fault = (label: string, atMs: number, pid: number, disconnected: number): FaultReport => ({
  label,
  action: 'kill',
  role: 'worker',
  index: 0,
  command: null,
  plannedMs: atMs,
  atMs,
  pid,
  newPid: pid + 1,
  replacedMs: 120,
  forMs: null,
  impact: {
    window: { fromS: atMs / 1000, toS: 4 },
    disconnected,
    recovered: disconnected,
    recoveryFailed: 0,
    recovery: null,
    detect: null,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    ackTimeouts: 0,
    sessionUnknown: 0,
    moved: 0,
    stayed: 0,
    unsent: 0,
    errors: 0,
    ackP99: 3,
  },
});

test("--repeat: every round's fault records are kept, per round, and the faults table shows them by round", () => {
  const c = new RunCollector({ topology: 'cluster:2', engine: 'socket.io', rounds: 3, thresholds: [] });
  const rec = new Recorder(0);
  const sections: Array<FaultSection | undefined> = [
    { faults: [fault('kill worker 0', 1000, 100, 5)], baselineAckP99: 1.5 },
    undefined, // round 2: its fault could not be placed (no section)
    { faults: [fault('kill worker 0', 1100, 300, 7), fault('kill worker 1', 2000, 301, 2)], baselineAckP99: 2.5 },
  ];
  for (const f of sections) {
    c.beginRound();
    c.onSnapshot(second(rec, 0, 10, 1, 'w#0'));
    c.onSnapshot(second(rec, 1, 10, 1, 'w#1'));
    c.endRound({ ...round('completed', [health(0)]), ...(f ? { faults: f } : {}) });
  }
  const faults = c.result().faults!;
  assert.deepEqual(
    faults.faults.map((x) => [x.round, x.label, x.pid, x.impact.disconnected]),
    [
      [1, 'kill worker 0', 100, 5],
      [3, 'kill worker 0', 300, 7],
      [3, 'kill worker 1', 301, 2],
    ],
  );
  assert.deepEqual(faults.roundBaselines, [1.5, null, 2.5]);
  const text = formatSummary(fileOf(c.result()));
  assert.match(text, /ack p99 before the first: round 1 1\.5ms, round 2 -, round 3 2\.5ms/);
  const rows = text.split('\n').filter((l) => /kill worker/.test(l));
  assert.equal(rows.length, 3, text);
  assert.match(rows[0]!, /^\s+1\s+kill worker 0\s+1\.0s\s+100\b/);
  assert.match(rows[1]!, /^\s+3\s+kill worker 0\s+1\.1s\s+300\b/);
  assert.match(rows[2]!, /^\s+3\s+kill worker 1\s+2\.0s\s+301\b/);
  const html = faultsSection(c.result());
  assert.match(html, /<th[^>]*>round<\/th>/);
  assert.match(html, /round 1 1\.5ms, round 2 -, round 3 2\.5ms/);
  // the chart's fault markers sit in their round's seconds (rounds lie end to end: 0-2, 2-4, 4-6)
  const markers = chartRun({ label: 'x', run: c.result(), file: fileOf(c.result()), fileIndex: 0 }).markers.filter((m) => m.kind === 'fault');
  assert.deepEqual(
    markers.map((m) => m.at),
    [1, 5.1, 6],
  );
});

test('one round: the fault section is kept as it is (no round column)', () => {
  const c = new RunCollector({ topology: 'cluster:2', engine: 'socket.io', rounds: 1, thresholds: [] });
  const rec = new Recorder(0);
  c.beginRound();
  c.onSnapshot(second(rec, 0, 10, 1, 'w#0'));
  c.endRound({ ...round('completed', [health(0)]), faults: { faults: [fault('kill worker 0', 1000, 100, 5)], baselineAckP99: 1.5 } });
  const faults = c.result().faults!;
  assert.equal(faults.faults[0]!.round, undefined);
  assert.equal(faults.roundBaselines, undefined);
  assert.doesNotMatch(formatSummary(fileOf(c.result())), /\bround\b/);
});

test('exit code order: failed > abortOnFail stop > interrupted (thresholds on partial data) > failed threshold > ok', async () => {
  const { exitCodeOf } = await import('../../src/run/run.ts');
  const t = (ok: boolean) => ({ subject: 'ack.p99', condition: '< 1ms', actual: ok ? 0.5 : 9, ok, abortOnFail: false });
  const r = (status: RunResult['status'], ok: boolean, abortedBy?: string): RunResult =>
    ({ status, thresholds: [t(ok)], ...(abortedBy ? { abortedBy } : {}) }) as unknown as RunResult;
  assert.equal(exitCodeOf([r('completed', true)]), 0);
  assert.equal(exitCodeOf([r('completed', false)]), 99);
  assert.equal(exitCodeOf([r('interrupted', false)]), 130, 'a user interrupt with thresholds failing on partial data is an interrupt');
  assert.equal(exitCodeOf([r('interrupted', false, 'ack.p99 < 1ms')]), 99, 'an abortOnFail stop is the gate failing');
  assert.equal(exitCodeOf([r('interrupted', true), r('failed', true)]), 1);
});
