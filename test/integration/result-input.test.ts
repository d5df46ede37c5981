/**
 * `compare` and `report` on hand-edited results (issue 23, item 7): the file is checked against
 * the result schema; every problem names its field; exit 2, no stack trace, no self-contradicting
 * message, and a negative percentile is refused rather than read as a +Infinity% regression.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = new URL('../../bin/rtbench.js', import.meta.url).pathname;
const VALID = new URL('../fixtures/results/tiny-echo.json', import.meta.url).pathname;

function rtbench(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function assertNoStack(s: string): void {
  assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `no stack trace expected:\n${s}`);
  assert.doesNotMatch(s, /internal error|TypeError/);
}

/** A copy of the valid result with one edit. */
function edited(dir: string, name: string, edit: (f: any) => void): string {
  const f = JSON.parse(readFileSync(VALID, 'utf8'));
  edit(f);
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(f));
  return p;
}

const cases: Array<{ name: string; edit: (f: any) => void; field: RegExp }> = [
  {
    name: 'a percentile as a string (was: TypeError r.current.toFixed)',
    edit: (f) => (f.runs[0].metrics.ack.p99 = '12'),
    field: /runs\[0\]\.metrics\.ack\.p99: must be a number \(got "12"\)/,
  },
  {
    name: 'a histogram that is not base64 (was: Invalid string. Length must be a multiple of 4)',
    edit: (f) => (f.runs[0].metrics.ack.hdr = 'abc'),
    field: /runs\[0\]\.metrics\.ack\.hdr: must be a base64 HDR histogram/,
  },
  {
    name: 'a negative p99 (was: +Infinity% REGRESSION)',
    edit: (f) => (f.runs[0].metrics.ack.p99 = -5),
    field: /runs\[0\]\.metrics\.ack\.p99: must not be negative \(got -5\)/,
  },
  {
    name: '`runs` not a list (was: schema "rtbench.result/v1", expected rtbench.result/v1)',
    edit: (f) => (f.runs = {}),
    field: /runs: must be a list of runs/,
  },
  {
    name: 'a counter as text',
    edit: (f) => (f.runs[0].counters['sessions.started'] = 'many'),
    field: /runs\[0\]\.counters\["sessions\.started"\]: must be a number/,
  },
  { name: 'a missing status', edit: (f) => delete f.runs[0].status, field: /runs\[0\]\.status: is missing/ },
  { name: 'another schema', edit: (f) => (f.schema = 'rtbench.result/v2'), field: /schema: must be "rtbench\.result\/v1" \(got "rtbench\.result\/v2"\)/ },
  {
    name: 'a base64 histogram that does not decode',
    edit: (f) => (f.runs[0].metrics.ack.hdr = 'AAAAAAAA'),
    field: /runs\[0\]\.metrics\.ack\.hdr: is not a readable HDR histogram/,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'rtbench-result-input-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const c of cases) {
  test(`compare and report refuse ${c.name}: exit 2, the field named, no stack`, () => {
    const bad = edited(dir, 'bad.json', c.edit);
    for (const args of [
      ['compare', VALID, bad],
      ['compare', bad, VALID],
      ['report', bad, '--out', join(dir, 'r.html')],
    ]) {
      const r = rtbench(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: exit 2 expected\n${r.out}\n${r.err}`);
      assert.match(r.err, /bad\.json is not a valid rtbench result|bad\.json/);
      assert.match(r.err, c.field);
      assert.match(r.err, /\[E_RESULT_FILE\]/);
      assert.match(r.err, /fix:/);
      assertNoStack(r.err);
    }
  });
}

test('every problem is listed at once, and a valid result still compares and renders', () => {
  const bad = edited(dir, 'many.json', (f) => {
    f.runs[0].metrics.ack.p50 = -1;
    f.runs[0].durationMs = 'long';
    f.runs[0].thresholds[0].ok = 'yes';
  });
  const r = rtbench('compare', VALID, bad);
  assert.equal(r.code, 2);
  assert.match(r.err, /\(3 problems\)/);
  assert.match(r.err, /metrics\.ack\.p50/);
  assert.match(r.err, /runs\[0\]\.durationMs/);
  assert.match(r.err, /runs\[0\]\.thresholds\[0\]\.ok/);
  const ok = rtbench('compare', VALID, VALID);
  assert.equal(ok.code, 0, ok.err);
  const html = rtbench('report', VALID, '--out', join(dir, 'ok.html'));
  assert.equal(html.code, 0, html.err);
});

test('a file that is not JSON, or not there: exit 2 with the path', () => {
  const p = join(dir, 'trunc.json');
  writeFileSync(p, readFileSync(VALID, 'utf8').slice(0, 200));
  const r = rtbench('compare', VALID, p);
  assert.equal(r.code, 2);
  assert.match(r.err, /trunc\.json is not JSON/);
  assertNoStack(r.err);
  const missing = rtbench('report', join(dir, 'nope.json'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /result file not found: .*nope\.json/);
});
