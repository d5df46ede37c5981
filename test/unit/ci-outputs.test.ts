import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJUnit, runCases } from '../../src/reporters/junit.ts';
import { renderMarkdown } from '../../src/reporters/markdown.ts';
import type { RunFile, RunResult } from '../../src/result/types.ts';

function fileWith(runs: Array<Partial<RunResult>>): RunFile {
  const base: RunResult = {
    topology: 'single',
    target: 'http://127.0.0.1:1',
    engine: 'socket.io',
    status: 'completed',
    startedAt: '',
    durationMs: 2000,
    metrics: { 'ack:echo': { count: 5, min: 1, mean: 2, p50: 2, p90: 3, p99: 4, p999: 4, max: 4, hdr: '' } },
    counters: {},
    errors: {},
    workers: { connections: {}, unidentified: 0, maxOverMean: null, cv: null, maxShare: null, chiSquare: null, stickiness: null },
    timeseries: [],
    thresholds: [],
    generator: { processes: [], saturation: { saturated: false, reasons: [] } },
  };
  return {
    schema: 'rtbench.result/v1',
    scenario: { name: 'a <b> & "c"', file: 'x.ts', options: {} },
    environment: { rtbench: '0', node: 'v20', platform: 'linux', arch: 'x64', cpus: { model: 'x', count: 2 }, memoryGb: 1, hostname: 'h', gitSha: null },
    createdAt: '',
    runs: runs.map((r) => ({ ...base, ...r }) as RunResult), // fixtures: `r` sets status and failure together
  };
}

test('JUnit: valid XML with the right test and failure counts; user strings escaped', () => {
  const file = fileWith([
    {
      thresholds: [
        { subject: 'ack.p99', condition: '< 50ms', actual: 80, ok: false, abortOnFail: false },
        { subject: 'errors.rate', condition: '< 1%', actual: 0, ok: true, abortOnFail: false },
      ],
    },
    { topology: 'cluster:2', status: 'failed', failure: { code: 'E_GENERATOR', message: 'generator 1 died <oops>' } },
  ]);
  const xml = renderJUnit(file.runs.map((r) => ({ name: `${file.scenario.name} · ${r.topology}`, cases: runCases(file, r) })));
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml);
  assert.equal(doc.testsuites['@_tests'], '6');
  assert.equal(doc.testsuites['@_failures'], '2');
  const [s1, s2] = doc.testsuites.testsuite;
  assert.equal(s1['@_name'], 'a <b> & "c" · single');
  assert.equal(s1.testcase.length, 4);
  assert.match(s1.testcase[0]['@_name'], /^sessions: 0 started, 0 completed, 0 failed/, 'the sessions case comes first');
  assert.equal(s1.testcase[2]['@_name'], 'ack.p99 < 50ms');
  assert.ok(s1.testcase[2].failure);
  assert.equal(s1.testcase[3].failure, undefined);
  assert.match(s2.testcase[1].failure['@_message'], /generator 1 died <oops>/);
});

test('Markdown summary: verdict per run, thresholds table, escaped names', () => {
  const md = renderMarkdown(fileWith([{ thresholds: [{ subject: 'ack.p99', condition: '< 50ms', actual: 80, ok: false, abortOnFail: false }] }, {}]));
  assert.match(md, /^## rtbench: a \\<b\\> & "c"/);
  assert.match(md, /### single — ❌ 1 threshold\(s\) failed/);
  assert.match(md, /\| ❌ \| ack.p99 \\< 50ms \| 80.0ms \|/);
  assert.match(md, /### single — ✅ passed/);
  assert.match(md, /\| ack:echo \| 5 \| 2.00 \| 4.00 \| 4.00 \|/);
});

test('Markdown summary: a rate threshold shows its measured figure as a percentage, as the console does (not a bare fraction beside "< 0.1%")', () => {
  const md = renderMarkdown(
    fileWith([
      {
        thresholds: [
          { subject: 'seq:ticks.lossRate', condition: '< 0.1%', actual: 0.03607, ok: false, abortOnFail: false },
          { subject: 'recovery.resumedRate', condition: '> 90%', actual: 1, ok: true, abortOnFail: false },
        ],
      },
    ]),
  );
  assert.match(md, /\| ❌ \| seq:ticks.lossRate \\< 0.1% \| 3.607% \|/);
  assert.match(md, /\| ✅ \| recovery.resumedRate \\> 90% \| 100% \|/);
});
