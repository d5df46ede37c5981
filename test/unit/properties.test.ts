/**
 * Property tests (fast-check; issue 23): the threshold grammar, durations, the result loader and
 * the redaction take any input without crashing, and every refusal is a coded error
 * (`RtbenchError` with its stable code), never a TypeError or a bare Error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseThreshold } from '../../src/thresholds/parse.ts';
import { evaluateThresholds } from '../../src/thresholds/evaluate.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { parseDuration } from '../../src/shared/duration.ts';
import { planScenario } from '../../src/plan/plan.ts';
import { checkResult } from '../../src/compare/load-result.ts';
import { compareResults, formatCompare, parseTolerances } from '../../src/compare/compare.ts';
import { renderHtml } from '../../src/reporters/html/render.ts';
import { redactDeep, redactQuery, redactUrls } from '../../src/util/redact.ts';
import { isRtbenchError } from '../../src/shared/errors.ts';
import type { RunFile } from '../../src/result/types.ts';

/** A refusal must be a coded error; anything else thrown is a crash. */
function coded(e: unknown, codes: readonly string[]): boolean {
  if (!isRtbenchError(e)) throw e;
  assert.ok(codes.includes(e.code), `unexpected code ${e.code}: ${e.message}`);
  assert.ok(!/\n\s+at /.test(e.format()), 'no stack in the message');
  return true;
}

// ── the threshold grammar ──

const OPS = ['<', '<=', '>', '>=', '=='] as const;
const SUBJECTS = [
  'ack.p99',
  'ack.p99.9',
  'connect.mean',
  'sessions.failedRate',
  'errors.rate',
  'errors.count',
  'throughput',
  'checks.failRate',
  'check:x.passed',
  'workers.cv',
  'fanout.max',
  'ack:chat.p50',
];
/** Near-grammar text: pieces of real conditions and subjects glued at random, to reach deep into the parser. */
const nearCondition = fc
  .array(
    fc.constantFrom('<', '<=', '>', '=', '==', '!', ' ', '-', '0', '1', '5', '9', '.', 'ms', 's', '%', 'm', 'h', 'e', 'Infinity', 'NaN', '\n', '9'.repeat(400)),
    { maxLength: 8 },
  )
  .map((a) => a.join(''));
const nearSubject = fc
  .array(
    fc.constantFrom(
      'ack',
      'connect',
      'p',
      '99',
      '.',
      '9',
      'check:',
      'checks',
      'sessions',
      'failedRate',
      'count',
      'rate',
      'mean',
      ':',
      '',
      'p0',
      'p100',
      'p101',
      ' ',
    ),
    { maxLength: 6 },
  )
  .map((a) => a.join(''));
const anySpec = fc.oneof(
  nearCondition,
  fc.string(),
  fc.jsonValue(),
  fc.record({ condition: fc.oneof(nearCondition, fc.jsonValue()), abortOnFail: fc.jsonValue() }),
);

test('threshold grammar: any subject and spec gives a threshold with a finite value, or a message; never a throw', () => {
  fc.assert(
    fc.property(fc.oneof(nearSubject, fc.constantFrom(...SUBJECTS), fc.string()), anySpec, (subject, spec) => {
      const t = parseThreshold(subject, spec, { fanout: 'trend' });
      if (typeof t === 'string') return assert.ok(t.length > 0);
      assert.ok(Number.isFinite(t.value), `${subject}: ${JSON.stringify(spec)} parsed to value ${t.value}`);
      assert.ok(OPS.includes(t.op));
      // and evaluating it on empty figures never throws
      evaluateThresholds([t], {
        metrics: {},
        counters: {},
        workers: { connections: {}, unidentified: 0, maxOverMean: null, cv: null, maxShare: null, chiSquare: null, stickiness: null },
        durationMs: 0,
      });
    }),
    { numRuns: 2000 },
  );
});

test('threshold grammar: a well-formed condition parses to its value (ms, s, %)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...OPS), fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('', 'ms', 's', '%'), (op, n, unit) => {
      const t = parseThreshold('ack.p99', `${op} ${n}${unit}`);
      assert.ok(typeof t !== 'string', String(t));
      assert.equal(t.op, op);
      assert.equal(t.value, unit === 's' ? n * 1000 : unit === '%' ? n / 100 : n);
    }),
  );
});

test('thresholds in a scenario: any value is accepted or refused as E_SCENARIO_INVALID', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.oneof(nearSubject, fc.string()), anySpec, { maxKeys: 4 }), (thresholds) => {
      try {
        validateScenario({ name: 'p', phases: [{ duration: '1s', vus: 1 }], thresholds, session: async () => {} }, 'p.ts');
      } catch (e) {
        coded(e, ['E_SCENARIO_INVALID']);
      }
    }),
    { numRuns: 500 },
  );
});

test('compare --max: any text is tolerances or E_USAGE', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(fc.constantFrom('p99', 'p50', 'throughput', '=', '+', '-', '10', '%', ',', '.5', 'x'), { maxLength: 8 }).map((a) => a.join('')),
      ),
      (spec) => {
        try {
          for (const v of Object.values(parseTolerances(spec))) assert.ok(Number.isFinite(v));
        } catch (e) {
          coded(e, ['E_USAGE']);
        }
      },
    ),
  );
});

// ── durations ──

const nearDuration = fc
  .array(fc.constantFrom('1', '0', '5', '.', '-', ' ', 'ms', 's', 'm', 'h', 'd', 'e3', '9'.repeat(330), 'Infinity'), { maxLength: 6 })
  .map((a) => a.join(''));

test('durations: any value parses to a finite number of ms ≥ 0, or null; a well-formed one to its value', () => {
  fc.assert(
    fc.property(fc.oneof(nearDuration, fc.string(), fc.jsonValue()), (v) => {
      const ms = parseDuration(v);
      assert.ok(ms === null || (Number.isFinite(ms) && ms >= 0), `${JSON.stringify(v)} → ${ms}`);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000]), (n, [unit, k]) => {
      assert.equal(parseDuration(`${n}${unit as string}`), n * (k as number));
    }),
  );
});

test('--duration: any text is accepted or refused with a coded error (E_USAGE), before anything loads', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(nearDuration, fc.string()), async (d) => {
      try {
        await planScenario('test/fixtures/tiny-echo.ts', { duration: d }, 'run');
        const ms = parseDuration(d);
        assert.ok(ms !== null && Number.isFinite(ms) && ms > 0, `--duration ${JSON.stringify(d)} was accepted`);
      } catch (e) {
        coded(e, ['E_USAGE', 'E_SCENARIO_INVALID']);
      }
    }),
    { numRuns: 150 },
  );
});

// ── the result loader ──

const VALID = JSON.parse(readFileSync(new URL('../fixtures/results/tiny-echo.json', import.meta.url), 'utf8')) as RunFile;

/** Every path to a value in a JSON document. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}
const ALL_PATHS = paths(VALID).filter((p) => p.length > 0);

function setAt(doc: unknown, path: Array<string | number>, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let o = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) delete o[last];
  else o[last] = value;
  return copy;
}

/** What `compare` and `report` do with a file the loader accepted: none of it may throw. */
function useAccepted(f: RunFile): void {
  for (const [a, b] of [
    [VALID, f],
    [f, VALID],
  ] as const) {
    try {
      formatCompare(compareResults(a, b));
    } catch (e) {
      coded(e, ['E_COMPARE_TOPOLOGY']); // an edited topology: refused with its fix
    }
  }
  renderHtml([f]);
}

test('result loader: a valid result with any one field edited or removed is used without a crash, or refused as E_RESULT_FILE', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ALL_PATHS),
      fc.oneof(fc.jsonValue(), fc.constantFrom(-5, -0.001, 1e308, '12', '', 'abc', null, [], {})),
      fc.boolean(),
      (path, value, remove) => {
        const doc = setAt(VALID, path, value, remove);
        let f: RunFile;
        try {
          f = checkResult(doc, 'edited.json');
        } catch (e) {
          coded(e, ['E_RESULT_FILE']);
          return;
        }
        useAccepted(f);
      },
    ),
    { numRuns: Number(process.env.RTBENCH_PROPERTY_RUNS ?? 400) },
  );
});

test('result loader: any JSON value at all is a result or E_RESULT_FILE', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (doc) => {
      try {
        checkResult(doc, 'x.json');
      } catch (e) {
        coded(e, ['E_RESULT_FILE']);
      }
    }),
    { numRuns: 1000 },
  );
});

// ── redaction ──

/** A query value that cannot occur by chance in the rest of the text. */
const secret = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `S3cr${encodeURIComponent(s)}X`);
const qname = fc.stringMatching(/^[A-Za-z_][\w.-]{0,11}$/);
const url = fc.record({
  scheme: fc.constantFrom('http', 'https', 'ws', 'wss'),
  host: fc.constantFrom('127.0.0.1:3000', 'example.test', '[::1]:9'),
  path: fc.constantFrom('', '/', '/chat', '/a/b'),
  params: fc.array(fc.tuple(qname, secret), { minLength: 1, maxLength: 5 }),
  user: fc.option(secret),
});

test('redaction: every query value of every URL in any text is gone, names kept; idempotent; never throws', () => {
  fc.assert(
    fc.property(fc.string(), url, fc.string(), (before, u, after) => {
      const raw = `${u.scheme}://${u.user ? `${u.user}@` : ''}${u.host}${u.path}?${u.params.map(([k, v]) => `${k}=${v}`).join('&')}`;
      const text = `${before} ${raw} ${after}`;
      const out = redactUrls(text);
      for (const [, v] of u.params) if (!before.includes(v) && !after.includes(v)) assert.ok(!out.includes(v), `${v} leaked: ${out}`);
      if (u.user && !before.includes(u.user) && !after.includes(u.user)) assert.ok(!out.includes(u.user), 'credentials leaked');
      for (const [k] of u.params) assert.ok(out.includes(`${k}=`), `the name ${k} is kept`);
      assert.equal(redactUrls(out), out, 'redacting twice changes nothing');
      // inside any JSON document too (result.json, the report's data)
      assert.ok(
        !JSON.stringify(redactDeep({ a: [text], b: { c: text } })).includes(u.params[0]![1]) ||
          before.includes(u.params[0]![1]) ||
          after.includes(u.params[0]![1]),
      );
    }),
    { numRuns: 1000 },
  );
});

test('redaction: --show-query names keep their values, every other value goes', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(qname, secret), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 5 }), (params, pick) => {
      const shown = params[pick % params.length]![0];
      const out = redactQuery(params.map(([k, v]) => `${k}=${v}`).join('&'), new Set([shown]));
      const parts = out.split('&');
      params.forEach(([k, v], i) => assert.equal(parts[i], k === shown ? `${k}=${v}` : `${k}=REDACTED`));
    }),
  );
});

test('redaction: arbitrary text (URL-like or not) never throws and is a fixed point after one pass', () => {
  const urlish = fc
    .array(fc.constantFrom('http://', 'ws://', 'x://', '@', '?', '&', '=', '#', '/', '%', '%zz', ' ', 'a', 'é', '"', '<', '\n'), { maxLength: 20 })
    .map((a) => a.join(''));
  fc.assert(
    fc.property(fc.oneof(fc.string(), urlish), (s) => {
      const once = redactUrls(s);
      assert.equal(redactUrls(once), once);
    }),
    // found by this property: a query or fragment starting with `?` lost one `?` per pass
    { numRuns: 2000, examples: [['http://#??'], ['http://???']] },
  );
});
