import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/shared/errors.ts';
import { missingUnit, parseDuration } from '../../src/shared/duration.ts';
import { validateScenario, withTotalDuration } from '../../src/scenario/validate.ts';

const session = async (): Promise<void> => {};

test('parseDuration accepts unit strings, refuses bare numbers with the fix, rejects junk', () => {
  assert.equal(parseDuration(250), null, 'a bare number is refused: 250 ms or 250 s would be a guess');
  assert.match(missingUnit(250), /'250s' for seconds or '250ms' for milliseconds/);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('10'), null, 'a string without a unit is refused');
  assert.match(missingUnit(' 10 '), /'10s'.*'10ms'/);
  assert.equal(missingUnit('10s'), '');
  assert.equal(missingUnit('ten'), '');
  assert.equal(parseDuration('ten seconds'), null);
  assert.equal(parseDuration(-1), null);
  assert.equal(parseDuration({}), null);
});

test('a valid scenario resolves phases back to back with defaults', () => {
  const r = validateScenario(
    {
      name: ' demo ',
      phases: [
        { duration: '10s', arrivalRate: 5 },
        { duration: '5s', vus: { from: 0, to: 10 } },
      ],
      session,
    },
    'x.ts',
  );
  assert.equal(r.name, 'demo');
  assert.deepEqual(r.topologies, ['single']);
  assert.equal(r.engine, 'socket.io');
  assert.equal(r.path, '/socket.io');
  assert.deepEqual(r.transports, ['websocket']);
  assert.equal(r.phases[1]!.startMs, 10_000);
  assert.equal(r.phases[1]!.kind, 'vus');
  assert.equal(r.totalMs, 15_000);
  assert.equal(r.ackTimeoutMs, 10_000);
});

test('the ws engine defaults to path /ws', () => {
  const r = validateScenario({ name: 'w', engine: 'ws', phases: [{ duration: '1s', vus: 1 }], session }, 'x.ts');
  assert.equal(r.path, '/ws');
});

test("`protocol`: 'reference' by default, 'raw' for the ws engine only; anything else named with the fix", () => {
  const base = { name: 'w', engine: 'ws', phases: [{ duration: '1s', vus: 1 }], session };
  assert.equal(validateScenario(base, 'x.ts').protocol, 'reference');
  assert.equal(validateScenario({ ...base, protocol: 'raw' }, 'x.ts').protocol, 'raw');
  const problems = (fields: Record<string, unknown>): string[] => {
    try {
      validateScenario({ ...base, ...fields }, 'x.ts');
    } catch (e) {
      assert.ok(e instanceof InputError);
      return [...e.details];
    }
    return [];
  };
  assert.match(problems({ protocol: 'json' }).join('\n'), /`protocol` must be 'reference' .* or 'raw' .* \(got "json"\)/);
  assert.match(
    problems({ protocol: 'raw', engine: 'socket.io' }).join('\n'),
    /`protocol: 'raw'` is for engine 'ws' \(got engine 'socket\.io'\): set `engine: 'ws'`/,
  );
});

test('every problem is reported at once, naming file and fields', () => {
  let err: unknown;
  try {
    validateScenario(
      {
        name: '',
        engine: 'mqtt',
        phases: [
          { duration: 'soon', arrivalRate: 5 },
          { duration: '1s', arrivalRate: 1, vus: 2 },
        ],
        session: 3,
        extra: 1,
      },
      'bad.ts',
    );
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof InputError);
  assert.equal(err.code, 'E_SCENARIO_INVALID');
  assert.match(err.message, /bad\.ts/);
  const text = err.details.join('\n');
  for (const field of ['`name`', '`engine`', '`phases[0].duration`', '`phases[1]`', '`session`', '`extra`']) {
    assert.ok(text.includes(field), `expected ${field} in:\n${text}`);
  }
  assert.equal(err.details.length, 6);
});

test('vus must be whole numbers and rates bounded', () => {
  assert.throws(() => validateScenario({ name: 'a', phases: [{ duration: '1s', vus: 1.5 }], session }, 'a.ts'), /problem/);
  assert.throws(() => validateScenario({ name: 'a', phases: [{ duration: '1s', arrivalRate: -1 }], session }, 'a.ts'), /problem/);
  assert.throws(() => validateScenario({ name: 'a', phases: [], session }, 'a.ts'), /problem/);
});

test('a missing default export is named with its fix', () => {
  assert.throws(
    () => validateScenario(undefined, 'none.ts'),
    (e: unknown) => e instanceof InputError && /defineScenario/.test(e.hint ?? ''),
  );
});

test('--duration scales every phase proportionally', () => {
  const r = validateScenario(
    {
      name: 'a',
      phases: [
        { duration: '10s', arrivalRate: 1 },
        { duration: '30s', vus: 2 },
      ],
      session,
    },
    'a.ts',
  );
  const s = withTotalDuration(r, 4000);
  assert.equal(s.totalMs, 4000);
  assert.equal(s.phases[0]!.durationMs, 1000);
  assert.equal(s.phases[1]!.startMs, 1000);
  assert.equal(s.phases[1]!.durationMs, 3000);
});

test('a bare number as a scenario duration is refused with the fix, in every duration field', () => {
  let err: unknown;
  try {
    validateScenario(
      { name: 'a', phases: [{ duration: 60, arrivalRate: 1 }], ackTimeout: 2000, reconnect: { delay: 200 }, faults: [{ at: 20, kill: 'worker' }], session },
      'bare.ts',
    );
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof InputError);
  const text = err.details.join('\n');
  assert.match(text, /`phases\[0\]\.duration`.*'60s' for seconds or '60ms' for milliseconds/);
  assert.match(text, /`ackTimeout`.*'2000s' for seconds or '2000ms' for milliseconds/);
  assert.match(text, /`reconnect\.delay`.*'200ms'/);
  assert.match(text, /`faults\[0\]\.at`.*'20s'/);
});

test('did you mean, below the top level: a phase field, a fault field, a run subject', () => {
  let err: unknown;
  try {
    validateScenario(
      {
        name: 'a',
        phases: [{ duration: '5s', arrivalrate: 5 }],
        faults: [{ at: '2s', kil: 'worker' }],
        thresholds: { 'sessions.failedrate': '< 1%' },
        session,
      },
      'nested.ts',
    );
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof InputError);
  const text = err.details.join('\n');
  assert.match(text, /`phases\[0\]\.arrivalrate` is not a phase field \(did you mean `arrivalRate`\?\)/);
  assert.match(text, /`faults\[0\]\.kil` is not a fault field \(did you mean `kill`\?\)/);
  assert.match(text, /`sessions\.failedrate` \(did you mean `sessions\.failedRate`\?\)/);
});
