import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CustomRecorder, MAX_CHECK_NAMES } from '../../src/metrics/custom.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { recordStamped } from '../../src/clients/sequence.ts';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { createHistogram, mergeMetricSummaries, recordMs, summarize } from '../../src/metrics/histogram.ts';
import { RunCollector } from '../../src/collect/collector.ts';
import { InputError } from '../../src/shared/errors.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { evaluateThresholds } from '../../src/thresholds/evaluate.ts';
import { parseThresholds } from '../../src/thresholds/parse.ts';
import { customLines, customView, SHOWN_CHECKS } from '../../src/reporters/custom.ts';
import { renderMarkdown } from '../../src/reporters/markdown.ts';
import { thresholdsTable } from '../../src/reporters/html/sections.ts';
import { failedGateLine } from '../../src/reporters/verdict-line.ts';
import { customProperties, renderJUnit, runCases } from '../../src/reporters/junit.ts';
import { formatSummary } from '../../src/reporters/console-summary.ts';
import { RESULT_SCHEMA, type RunFile, type RunResult } from '../../src/result/types.ts';
import { mergeShards } from '../../src/shard/merge.ts';

const session = async (): Promise<void> => {};
const base = { name: 'c', phases: [{ duration: '1s', arrivalRate: 1 }], session };

/** The problems validation reports for `fields` added to a valid scenario. */
function problems(fields: Record<string, unknown>): string[] {
  try {
    validateScenario({ ...base, ...fields }, 'scenarios/x.ts');
  } catch (e) {
    assert.ok(e instanceof InputError);
    assert.equal(e.code, 'E_SCENARIO_INVALID');
    assert.match(e.message, /scenarios\/x\.ts/);
    return [...e.details];
  }
  return [];
}

test('metrics: declarations resolve; a bad kind, a bad name and a built-in name are refused, each naming the field and the fix', () => {
  const r = validateScenario({ ...base, metrics: { fanout: 'trend', delivered: 'counter' } }, 'x.ts');
  assert.deepEqual(r.metrics, { fanout: 'trend', delivered: 'counter' });
  assert.equal(validateScenario(base, 'x.ts').sessions, null);
  const p = problems({ metrics: { fanout: 'histogram', ack: 'trend', errors: 'counter', 'fan-out': 'trend', '9lives': 'counter' } });
  assert.equal(p.length, 5, p.join('\n'));
  assert.match(p.find((x) => x.includes('fanout'))!, /`metrics\.fanout` must be 'trend' .* or 'counter' \(got "histogram"\)/);
  assert.match(p.find((x) => x.includes('.ack'))!, /`metrics\.ack` shadows rtbench's built-in `ack`: rename it, e.g. `my_ack`/);
  assert.match(p.find((x) => x.includes('.errors'))!, /shadows rtbench's built-in `errors`/);
  assert.match(p.find((x) => x.includes('fan-out'))!, /letters, digits and _ .* e\.g\. `fan_out`/);
  assert.match(p.find((x) => x.includes('9lives'))!, /not starting with a digit/);
  assert.match(problems({ metrics: ['fanout'] })[0]!, /`metrics` must be an object of name → 'trend' \| 'counter'/);
});

test('thresholds: subjects naming an undeclared metric are refused before any load; declared ones and built-ins pass', () => {
  const ok = validateScenario(
    {
      ...base,
      metrics: { fanout: 'trend', delivered: 'counter' },
      thresholds: {
        'fanout.p99': '< 100ms',
        'delivered.count': '> 0',
        'delivered.rate': '>= 1',
        'checks.failRate': '< 1%',
        'check:reply ok.failed': '== 0',
        'ack:echo.p99': '< 1s',
        'broadcast.max': '< 1s',
      },
    },
    'x.ts',
  );
  assert.equal(Object.keys(ok.thresholds).length, 7);
  const p = problems({
    metrics: { delivered: 'counter' },
    thresholds: { 'fanout.p99': '< 100ms', 'delivered.p99': '< 1ms', 'checks.ratio': '< 1', 'session:sender.p99': '< 1s' },
  });
  assert.equal(p.length, 4, p.join('\n'));
  assert.match(
    p.find((x) => x.includes('fanout'))!,
    /`thresholds\['fanout\.p99'\]` names `fanout`, which is neither a built-in metric .* nor declared: add `metrics: \{ fanout: 'trend' \}`/,
  );
  assert.match(p.find((x) => x.includes('delivered'))!, /`delivered` is a counter .*use `delivered\.count` or `delivered\.rate`/);
  assert.match(p.find((x) => x.includes('checks.ratio'))!, /one of failRate, passRate, failed, passed/);
  assert.match(p.find((x) => x.includes('session:sender'))!, /exists only with a `sessions` mix/);
});

test('sessions: exactly one of `session` and `sessions`; weights are whole numbers; every problem named', () => {
  const listen = async (): Promise<void> => {};
  const r = validateScenario(
    { name: 'm', phases: base.phases, sessions: { listener: { weight: 9, session: listen }, sender: { weight: 1, session: listen } } },
    'x.ts',
  );
  assert.deepEqual(r.sessions, [
    { name: 'listener', weight: 9 },
    { name: 'sender', weight: 1 },
  ]);
  assert.match(problems({ sessions: { a: { weight: 1, session: listen } } })[0]!, /`session` and `sessions` are both set: keep exactly one/);
  const none = (() => {
    try {
      validateScenario({ name: 'm', phases: base.phases }, 'x.ts');
    } catch (e) {
      return (e as InputError).details;
    }
    return [];
  })();
  assert.match(none.join('\n'), /`session` must be an async function .* \(or use `sessions` for a weighted mix\)/);
  const bad = (() => {
    try {
      validateScenario(
        {
          name: 'm',
          phases: base.phases,
          sessions: {
            a: { weight: 0.5, session: listen },
            b: { weight: 2 },
            c: { weight: 1, session: listen, share: 3 },
            'no good': { weight: 1, session: listen },
          },
          thresholds: { 'session:z.p99': '< 1s' },
        },
        'x.ts',
      );
    } catch (e) {
      return (e as InputError).details;
    }
    return [];
  })();
  assert.equal(bad.length, 5, bad.join('\n'));
  assert.match(bad.join('\n'), /`sessions\.a\.weight` must be a whole number from 1 to 10000 \(got 0\.5\)/);
  assert.match(bad.join('\n'), /`sessions\.b\.session` must be an async function/);
  assert.match(bad.join('\n'), /`sessions\.c\.share` is not a field of a mix entry/);
  assert.match(bad.join('\n'), /`sessions\['no good'\]`: a session name is letters, digits, _ and -/);
  assert.match(bad.join('\n'), /`sessions` has no `z` \(it has `a`, `b`, `c`, `no good`/);
  assert.match(problems({ session: undefined, sessions: {} })[0]!, /`sessions` must be a non-empty object/);
});

test('sessions: every problem at once, also with `session` set beside it; a threshold on a kind lists the kinds as written, even when none is valid', () => {
  const listen = async (): Promise<void> => {};
  // both set: the clash, and each bad entry of `sessions`
  const both = problems({ sessions: { a: { weight: 0, session: listen }, b: { weight: 1 } } });
  assert.equal(both.length, 3, both.join('\n'));
  assert.match(both[0]!, /`session` and `sessions` are both set/);
  assert.match(both.join('\n'), /`sessions\.a\.weight` must be a whole number/);
  assert.match(both.join('\n'), /`sessions\.b\.session` must be an async function/);
  // every entry invalid: a threshold on a kind written there is not reported again; on another kind it names them (with a near one)
  const invalid = problems({
    session: undefined,
    sessions: { sender: { weight: 0, session: listen }, listener: { weight: 1, session: 3 } },
    thresholds: { 'session:sender.p99': '< 1s', 'session:e.p99': '< 1s', 'session:sendr.p99': '< 1s' },
  });
  assert.equal(invalid.length, 4, invalid.join('\n'));
  assert.ok(!invalid.some((p) => p.includes("'session:sender.p99'")), invalid.join('\n'));
  assert.match(invalid.join('\n'), /`thresholds\['session:e\.p99'\]`: `sessions` has no `e` \(it has `sender`, `listener`\)/);
  assert.match(invalid.join('\n'), /`sessions` has no `sendr` \(it has `sender`, `listener` \(did you mean `sender`\?\)\)/);
  assert.doesNotMatch(invalid.join('\n'), /it has \)/);
});

test('setup/teardown fields: functions only; setupTimeout a duration', () => {
  const r = validateScenario({ ...base, setup: () => ({}), teardown: () => {}, setupTimeout: '5s' }, 'x.ts');
  assert.deepEqual([r.setup, r.teardown, r.setupTimeoutMs], [true, true, 5000]);
  assert.equal(validateScenario(base, 'x.ts').setupTimeoutMs, 60_000);
  const p = problems({ setup: { users: 3 }, teardown: 'rm -rf', setupTimeout: 'soon' });
  assert.equal(p.length, 3, p.join('\n'));
  assert.match(p[0]!, /`setup` must be a function \(ctx\) => data/);
});

test('ctx.metrics: trends go to the recorder histogram under their name, counters to counters; misuse throws naming the fix', () => {
  const rec = new Recorder(0);
  const m = new CustomRecorder({ fanout: 'trend', delivered: 'counter' }, rec);
  for (let i = 1; i <= 100; i++) m.record('fanout', i);
  m.count('delivered');
  m.count('delivered', 4);
  assert.throws(() => m.record('fanot', 1), /`fanot` is not declared in the scenario's `metrics`; add `metrics: \{ fanot: 'trend' \}`/);
  assert.throws(() => m.count('fanout'), /`fanout` is declared as a trend in `metrics`; use ctx\.metrics\.record\('fanout', ms\)/);
  assert.throws(() => m.record('delivered', 1), /declared as a counter/);
  assert.throws(
    () => m.record('fanout', Number.NaN),
    /ctx\.metrics\.record\('fanout', NaN\): the sample must be a finite number of milliseconds \(counted in `fanout\.rejected`/,
  );
  assert.throws(() => m.count('delivered', Infinity), /finite number ≥ 0/);
  assert.throws(() => m.record('toString', 1), /not declared/); // no prototype names
  const snap = rec.flush(0);
  assert.deepEqual(snap.counters, { delivered: 5, 'fanout.rejected': 1 });
  const agg = new Aggregator();
  agg.add(snap);
  const fanout = agg.metrics().fanout!;
  assert.equal(fanout.count, 100);
  assert.ok(Math.abs(fanout.p99 - 99) < 0.2, String(fanout.p99));
});

test('ctx.metrics.record: a negative sample (clock skew) is recorded as 0 and counted; every threshold on its trend fails, named in console, Markdown, JUnit and HTML', () => {
  const rec = new Recorder(0);
  const m = new CustomRecorder({ fanout: 'trend', other: 'trend' }, rec);
  for (let i = 0; i < 100; i++) m.record('fanout', i % 4 === 0 ? -(i + 1) : 3); // 25 negative
  for (let i = 0; i < 10; i++) m.record('other', 2);
  assert.throws(() => m.record('fanout', -Infinity), /`fanout\.rejected`/);
  const snap = rec.flush(0);
  assert.deepEqual(snap.counters, { 'fanout.negative': 25, 'fanout.rejected': 1 });
  const agg = new Aggregator();
  agg.add(snap);
  const metrics = agg.metrics();
  assert.equal(metrics.fanout!.count, 100, 'negative samples are kept (as 0), not thrown away');
  assert.ok(metrics.fanout!.min < 0.01, String(metrics.fanout!.min));
  const { thresholds } = parseThresholds({ 'fanout.p99': '< 1s', 'fanout.count': '> 0', 'other.p99': '< 1s' }, { fanout: 'trend', other: 'trend' });
  const r = runWith(metrics, snap.counters);
  r.thresholds = evaluateThresholds(thresholds, r);
  const by = Object.fromEntries(r.thresholds.map((t) => [t.subject, t]));
  assert.equal(by['fanout.p99']!.ok, false, 'a gate must not pass on a biased trend');
  assert.equal(by['fanout.count']!.ok, false);
  assert.equal(by['other.p99']!.ok, true);
  assert.match(by['fanout.p99']!.note!, /biased: 25 negative samples recorded as 0 \(`fanout\.negative`.*1 non-finite samples refused/);
  const file: RunFile = {
    schema: RESULT_SCHEMA,
    scenario: { name: 's', file: 's.ts', options: { metrics: { fanout: 'trend', other: 'trend' } } },
    environment: {} as RunFile['environment'],
    createdAt: '',
    runs: [r],
  };
  const console = formatSummary(file);
  assert.match(console, /FAIL fanout\.p99 < 1s .*biased: 25 negative/);
  assert.match(console, /WARN trend fanout: 25 negative samples recorded as 0 \(fanout\.negative\), 1 non-finite samples refused/);
  assert.doesNotMatch(console, /WARN trend other/);
  assert.match(renderMarkdown(file), /⚠️ WARN trend fanout: 25 negative/);
  assert.match(renderMarkdown(file), /❌ \| fanout\.p99 \\< 1s \| .*biased/);
  assert.match(runCases(file, r).find((c) => c.name.startsWith('fanout.p99'))!.failure!, /fanout\.p99 < 1s failed: measured [\d.]+ \(biased: 25 negative/);
  assert.match(thresholdsTable(r), /biased: 25 negative samples/);
  assert.match(failedGateLine(file)!, /fanout\.p99 < 1s \(got [\d.]+ms, biased: 25 negative/);
});

test('a threshold on a check that never ran fails at the end of the run naming the nearest check that did (checks are known only at run time)', () => {
  const counters = { 'checks.pass': 9, 'checks.fail': 1, 'check:say ok.pass': 9, 'check:say ok.fail': 1, 'check:joined.pass': 3 };
  const { thresholds } = parseThresholds({
    'check:sayok.failRate': '< 1%',
    'check:sayok.failed': '== 0',
    'check:zzzz.passed': '> 0',
    'check:say ok.failed': '<= 1',
  });
  const r = runWith({}, counters);
  r.thresholds = evaluateThresholds(thresholds, r);
  const by = Object.fromEntries(r.thresholds.map((t) => [t.subject, t]));
  assert.equal(by['check:sayok.failRate']!.ok, false);
  assert.equal(by['check:sayok.failRate']!.note, 'no check named `sayok` ran (did you mean `check:say ok.failRate`?)');
  assert.equal(by['check:sayok.failed']!.ok, false, 'zero failures of a check that never ran is not a pass');
  assert.equal(by['check:sayok.failed']!.actual, null);
  assert.match(by['check:sayok.failed']!.note!, /did you mean `check:say ok\.failed`/);
  assert.equal(by['check:zzzz.passed']!.note, 'no check named `zzzz` ran; checks that ran: `joined`, `say ok`');
  assert.equal(by['check:say ok.failed']!.ok, true);
  const file: RunFile = {
    schema: RESULT_SCHEMA,
    scenario: { name: 's', file: 's.ts', options: {} },
    environment: {} as RunFile['environment'],
    createdAt: '',
    runs: [r],
  };
  assert.match(formatSummary(file), /FAIL check:sayok\.failRate < 1% .*no check named `sayok` ran \(did you mean `check:say ok\.failRate`\?\)/);
  const none = runWith({}, {});
  assert.equal(evaluateThresholds(thresholds, none)[0]!.note, 'no check named `sayok` ran: no ctx.check() ran in this run');
  // under --quiet, the one-line verdict says why too
  assert.match(failedGateLine(file)!, /check:sayok\.failRate < 1% \(got no value, no check named `sayok` ran \(did you mean `check:say ok\.failRate`\?\)\)/);
});

test('ctx.check: pass/fail counts in all and per name; returns the condition; names are bounded', () => {
  const rec = new Recorder(0);
  const m = new CustomRecorder({}, rec);
  assert.equal(m.check('reply ok', true), true);
  assert.equal(m.check('reply ok', 0), false);
  m.check('reply ok', 'yes');
  m.check('fast', false);
  assert.deepEqual(rec.flush(0).counters, { 'checks.pass': 2, 'checks.fail': 2, 'check:reply ok.pass': 2, 'check:reply ok.fail': 1, 'check:fast.fail': 1 });
  assert.throws(() => m.check('', true), /one-line string/);
  for (let i = 2; i < MAX_CHECK_NAMES; i++) m.check(`c${i}`, true);
  assert.throws(() => m.check('one too many', true), /more than 1000 distinct check names/);
  m.check('fast', true); // known names still count
});

function runWith(metrics: RunResult['metrics'], counters: RunResult['counters'], durationMs = 10_000): RunResult {
  return {
    topology: 'single',
    target: 'http://127.0.0.1:1',
    engine: 'socket.io',
    status: 'completed',
    startedAt: '',
    durationMs,
    metrics,
    counters,
    errors: {},
    workers: { connections: {}, unidentified: 0, maxOverMean: null, cv: null, maxShare: null, chiSquare: null, stickiness: null },
    timeseries: [],
    thresholds: [],
    generator: { processes: [], saturation: { saturated: false, reasons: [] } },
  };
}

test('thresholds on custom figures: trend percentiles, counter count and rate, checks rates overall and per name', () => {
  const h = createHistogram();
  for (let i = 1; i <= 100; i++) recordMs(h, i);
  const r = runWith({ fanout: summarize(h) }, { delivered: 50, 'checks.pass': 99, 'checks.fail': 1, 'check:a.pass': 99, 'check:b.fail': 1 });
  const declared = { fanout: 'trend', delivered: 'counter' } as const;
  const { thresholds, problems: p } = parseThresholds(
    {
      'fanout.p99': '< 100ms',
      'delivered.count': '> 0',
      'delivered.rate': '>= 5',
      'checks.failRate': '< 1%',
      'check:a.failRate': '== 0',
      'check:b.passed': '> 0',
      'check:never.failRate': '< 1%',
      'checks.passed': '== 99',
    },
    declared,
  );
  assert.deepEqual(p, []);
  const by = Object.fromEntries(evaluateThresholds(thresholds, r).map((t) => [t.subject, t]));
  assert.equal(by['fanout.p99']!.ok, true);
  assert.equal(by['fanout.p99']!.unit, 'ms');
  assert.deepEqual([by['delivered.count']!.actual, by['delivered.count']!.unit], [50, 'number']);
  assert.deepEqual([by['delivered.rate']!.actual, by['delivered.rate']!.ok, by['delivered.rate']!.unit], [5, true, 'perSecond']);
  assert.deepEqual([by['checks.failRate']!.actual, by['checks.failRate']!.ok, by['checks.failRate']!.unit], [0.01, false, 'fraction']);
  assert.deepEqual([by['check:a.failRate']!.actual, by['check:a.failRate']!.ok], [0, true]);
  assert.deepEqual([by['check:b.passed']!.actual, by['check:b.passed']!.ok], [0, false]);
  assert.deepEqual([by['check:never.failRate']!.actual, by['check:never.failRate']!.ok], [null, false], 'a check that never ran does not pass a rate gate');
  assert.equal(by['checks.passed']!.ok, true);
  // a run that counted nothing: the declared counter is 0, not missing
  const empty = evaluateThresholds(parseThresholds({ 'delivered.count': '> 0' }, declared).thresholds, runWith({}, {}));
  assert.deepEqual([empty[0]!.actual, empty[0]!.ok], [0, false]);
});

test('custom trends merge exactly across --repeat rounds: counts are the sum, p99 of the union', () => {
  const collector = new RunCollector({ topology: 'single', engine: 'socket.io', rounds: 2, thresholds: [] });
  const perRound = [1, 2].map((k) => {
    const rec = new Recorder(0);
    const h = createHistogram();
    for (let i = 1; i <= 50 * k; i++) {
      rec.record('fanout', i * k);
      recordMs(h, i * k);
    }
    for (const [name, n] of Object.entries({ delivered: 10 * k, 'checks.pass': 5 * k, 'checks.fail': k, 'check:x.pass': 5 * k, 'check:x.fail': k }))
      rec.count(name, n);
    collector.beginRound();
    collector.onSnapshot(rec.flush(0));
    collector.endRound({ target: 'http://127.0.0.1:1', status: 'completed', startedAt: '', durationMs: 1000, processes: [] });
    return summarize(h);
  });
  const c = collector.result();
  assert.equal(c.metrics.fanout!.count, 150);
  assert.deepEqual({ ...c.metrics.fanout!, hdr: '' }, { ...mergeMetricSummaries(perRound), hdr: '' });
  assert.equal(c.metrics.fanout!.max, 200);
  assert.deepEqual([c.counters.delivered, c.counters['checks.pass'], c.counters['checks.fail'], c.counters['check:x.fail']], [30, 15, 3, 3]);
  assert.equal(c.rounds!.length, 2);
  assert.ok(c.rounds![1]!.metrics.fanout, 'per-round figures keep the custom trend for compare');
});

test('reporters: console, Markdown, JUnit and the custom view show counters, checks and session kinds', () => {
  const h = createHistogram();
  for (let i = 1; i <= 10; i++) recordMs(h, i);
  const r = runWith(
    { fanout: summarize(h), 'session:listener': summarize(h), ack: summarize(h) },
    {
      delivered: 7,
      disconnects: 1,
      'checks.pass': 3,
      'checks.fail': 1,
      'check:got it.pass': 3,
      'check:got it.fail': 1,
      'session:listener.started': 9,
      'session:listener.completed': 8,
      'session:listener.failed': 1,
      'session:sender.started': 1,
      'session:sender.completed': 1,
    },
  );
  r.thresholds = evaluateThresholds(parseThresholds({ 'checks.failRate': '< 1%' }).thresholds, r);
  const file: RunFile = {
    schema: 'rtbench.result/v1',
    scenario: { name: 'mix', file: 'x.ts', options: { metrics: { fanout: 'trend', delivered: 'counter' } } },
    environment: {} as RunFile['environment'],
    createdAt: '',
    runs: [r],
  };
  const v = customView(r, { fanout: 'trend', delivered: 'counter' });
  assert.deepEqual(
    v.trends.map((t) => t.name),
    ['fanout'],
  );
  assert.deepEqual(
    v.counters.map((c) => [c.name, c.count]),
    [['delivered', 7]],
  );
  assert.deepEqual(v.checks, { pass: 3, fail: 1, byName: [{ name: 'got it', pass: 3, fail: 1 }] });
  assert.deepEqual(
    v.kinds.map((k) => [k.name, k.started, k.completed, k.failed, k.duration?.count ?? 0]),
    [
      ['listener', 9, 8, 1, 10],
      ['sender', 1, 1, 0, 0],
    ],
  );
  assert.deepEqual(
    customView(r).counters.map((c) => c.name),
    ['delivered'],
    'without declarations, built-in counters are not taken for custom ones',
  );
  const text = formatSummary(file);
  assert.match(text, /FAIL checks\.failRate < 1%  \(25%\)/);
  assert.match(text, /counters: delivered 7 \(0\.7\/s\)/);
  assert.match(text, /checks: 3 passed, 1 failed \(25% failed\)\n    FAIL got it: 3 passed, 1 failed/);
  assert.match(text, /listener: 9 started, 8 completed, 1 failed, duration p50 5\.00ms/);
  assert.match(text, /\n  fanout +10 /);
  const md = renderMarkdown(file);
  assert.match(md, /\| fanout \| 10 \|/);
  assert.match(md, /Counters: delivered 7/);
  assert.match(md, /\| ❌ \| got it \| 3 \| 1 \|/);
  assert.match(md, /\| listener \| 9 \| 8 \| 1 \|/);
  const xml = renderJUnit([{ name: 's', cases: [], properties: customProperties(file, r) }]);
  assert.match(xml, /<property name="fanout\.p99" value="10"\/>/, 'the recorded max (10), not the bucket above it');
  assert.match(xml, /<property name="delivered\.count" value="7"\/>/);
  assert.match(xml, /<property name="check:got it\.failed" value="1"\/>/);
  assert.match(xml, /<property name="session:listener\.failed" value="1"\/>/);
});

test('custom trends, counters and checks merge exactly across shards, and thresholds on them run on the merge', () => {
  const declared = { fanout: 'trend', delivered: 'counter' } as const;
  const samples: number[][] = [[], []];
  const shard = (index: number): RunFile => {
    const rec = new Recorder(index);
    const m = new CustomRecorder(declared, rec);
    for (let i = 0; i < 400 * (index + 1); i++) {
      const v = index === 0 ? 1 + (i % 10) : 20 + (i % 50);
      samples[index]!.push(v);
      m.record('fanout', v);
      m.count('delivered');
      m.check('fast', v < 30);
    }
    rec.count('sessions.started', 10);
    rec.count('sessions.completed', 10);
    const agg = new Aggregator();
    agg.add(rec.flush(0));
    const run = { ...runWith(agg.metrics(), agg.counters(), 1000), seconds: agg.seconds() };
    return {
      schema: RESULT_SCHEMA,
      scenario: {
        name: 'u',
        file: 'u.ts',
        options: {
          name: 'u',
          phases: [],
          metrics: declared,
          thresholds: { 'fanout.count': '== 1200', 'delivered.count': '== 1200', 'checks.failRate': '< 60%', 'fanout.p50': '< 10ms' },
        },
      },
      environment: {
        rtbench: '0',
        node: 'v20',
        platform: 'linux',
        arch: 'x64',
        cpus: { model: 'x', count: 2 },
        memoryGb: 1,
        hostname: `h${index}`,
        gitSha: null,
      },
      createdAt: '2030-01-01T12:00:00.000Z',
      runs: [run],
      shard: { index, count: 2, startedAt: '2030-01-01T12:00:00.000Z' },
    };
  };
  const [a, b] = [shard(0), shard(1)];
  const merged = mergeShards(
    [
      { file: a, source: 'a' },
      { file: b, source: 'b' },
    ],
    a.environment,
  ).runs[0]!;
  const one = new Recorder(0);
  for (const v of samples.flat()) one.record('fanout', v);
  const agg = new Aggregator();
  agg.add(one.flush(0));
  assert.deepEqual(merged.metrics.fanout, agg.metrics().fanout, 'the merged trend is the trend of the union');
  assert.equal(merged.counters.delivered, 1200);
  const failed = samples[1]!.filter((v) => v >= 30).length;
  assert.deepEqual([merged.counters['checks.pass'], merged.counters['checks.fail']], [1200 - failed, failed]);
  assert.deepEqual(
    merged.thresholds.map((t) => [t.subject, t.ok]),
    [
      ['fanout.p50', false],
      ['sessions.failedRate', true],
      ['fanout.count', true],
      ['delivered.count', true],
      ['checks.failRate', true],
    ],
  );
});

test('the per-second time series carries custom trends, counters and checks, as it does ack; a shard merge rebuilds it exactly', () => {
  const declared = { fanout: 'trend', delivered: 'counter' } as const;
  // two generators, two seconds: generator g records (g + 1) × 10 samples of (t + 1) × v ms in second t
  const snapshots = [0, 1].flatMap((g) =>
    [0, 1].map((t) => {
      const rec = new Recorder(g);
      const m = new CustomRecorder(declared, rec);
      for (let v = 1; v <= (g + 1) * 10; v++) {
        m.record('fanout', (t + 1) * v);
        m.count('delivered', 2);
        m.check('small', v <= 5);
      }
      return rec.flush(t);
    }),
  );
  const agg = new Aggregator(declared);
  for (const s of snapshots) agg.add(s);
  const points = agg.timeseries();
  assert.equal(points.length, 2);
  const second = (t: number): number[] => [0, 1].flatMap((g) => Array.from({ length: (g + 1) * 10 }, (_, i) => (t + 1) * (i + 1)));
  for (const t of [0, 1]) {
    const expected = createHistogram();
    for (const v of second(t)) recordMs(expected, v);
    const p = points[t]!;
    assert.deepEqual(p.custom?.trends.fanout, {
      count: 30,
      p50: Math.round(expected.getValueAtPercentile(50)) / 1000,
      p99: Math.round(expected.getValueAtPercentile(99)) / 1000,
    });
    assert.deepEqual(p.custom?.counters, { delivered: 60 });
    assert.deepEqual(p.checks, { pass: 10, fail: 20 });
  }
  assert.equal(points[1]!.custom!.trends.fanout!.p99! > points[0]!.custom!.trends.fanout!.p99!, true, 'each second has its own samples');
  // the live stream's newest point is that second's point
  assert.deepEqual(agg.latest(), points[1]);
  // a declared trend without samples in a second is there, empty (charts keep one line per trend)
  const quiet = new Aggregator(declared);
  quiet.add({ ...snapshots[0]!, histograms: {}, counters: {} });
  assert.deepEqual(quiet.timeseries()[0]!.custom, { trends: { fanout: { count: 0, p50: null, p99: null } }, counters: { delivered: 0 } });
  assert.equal(quiet.timeseries()[0]!.checks, undefined, 'no checks made: no checks field');
  assert.equal(new Aggregator().timeseries().length, 0);
  const plain = new Aggregator();
  plain.add(snapshots[0]!);
  assert.equal(plain.timeseries()[0]!.custom, undefined, 'no declarations: the point is as before');
  // shards: each keeps its seconds (with the custom trends' histograms); the merge rebuilds the series of the union
  const shard = (index: number): RunFile => {
    const a = new Aggregator(declared);
    for (const s of snapshots.filter((x) => x.generator === index)) a.add(s);
    return {
      schema: RESULT_SCHEMA,
      scenario: { name: 'u', file: 'u.ts', options: { name: 'u', phases: [], metrics: declared, thresholds: {} } },
      environment: {
        rtbench: '0',
        node: 'v20',
        platform: 'linux',
        arch: 'x64',
        cpus: { model: 'x', count: 2 },
        memoryGb: 1,
        hostname: `h${index}`,
        gitSha: null,
      },
      createdAt: '2030-01-01T12:00:00.000Z',
      runs: [{ ...runWith(a.metrics(), a.counters(), 2000), seconds: a.seconds() }],
      shard: { index, count: 2, startedAt: '2030-01-01T12:00:00.000Z' },
    };
  };
  const [a, b] = [shard(0), shard(1)];
  const merged = mergeShards(
    [
      { file: a, source: 'a' },
      { file: b, source: 'b' },
    ],
    a.environment,
  ).runs[0]!;
  assert.deepEqual(
    merged.timeseries.map((p) => [p.custom, p.checks]),
    points.map((p) => [p.custom, p.checks]),
  );
});

test('console: failing checks first; past 20 checks one line counts the rest', () => {
  const counters: Record<string, number> = { 'checks.pass': 25, 'checks.fail': 1 };
  for (let i = 0; i < 25; i++) counters[`check:c${String(i).padStart(2, '0')}.pass`] = 1;
  counters['check:zz broken.fail'] = 1;
  const lines = customLines(runWith({}, counters));
  assert.equal(lines[1], '    FAIL zz broken: 0 passed, 1 failed');
  assert.equal(lines[2], '    ok   c00: 1 passed, 0 failed');
  assert.equal(lines.at(-1), '    … and 6 more checks (all in result.json)');
  assert.equal(lines.length, 1 + SHOWN_CHECKS + 1);
});

test('built-in server-stamped trends: a negative push latency (a Date.now() stamp) is counted in push.negative, recorded as 0, flagged biased everywhere, and fails its thresholds', () => {
  const rec = new Recorder(0);
  recordStamped(rec, 'push', -1.7e12); // monotonic now minus a wall-clock stamp
  recordStamped(rec, 'push', 2.5);
  const snap = rec.flush(0);
  assert.deepEqual(snap.counters, { 'push.negative': 1 });
  const r = runWith({ push: summarize(createHistogram()) }, { 'push.negative': 1 });
  const v = customView(r, {});
  assert.deepEqual(v.biased, [{ name: 'push', negative: 1, rejected: 0 }]);
  const lines = customLines(r, {});
  assert.match(
    lines[0]!,
    /WARN trend push: 1 negative samples recorded as 0 \(push\.negative\): its figures are biased and every threshold on it fails \(the server's `ts` is not on rtbench's clock: .*not Date\.now\(\)\)/,
  );
  r.metrics.push = { ...r.metrics.push!, count: 2, p99: 2.5 };
  const [t] = evaluateThresholds(parseThresholds({ 'push.p99': '< 100' }).thresholds, r);
  assert.equal(t!.ok, false);
  assert.match(t!.note!, /1 negative samples recorded as 0 .*Date\.now\(\)\?/);
});
