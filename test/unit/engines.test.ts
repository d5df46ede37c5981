import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineMismatches, forTopology } from '../../src/scenario/engines.ts';
import { resolvePlan } from '../../src/plan/plan.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import type { InputError } from '../../src/shared/errors.ts';

const session = async (): Promise<void> => {};
const base = { name: 'e', phases: [{ duration: '1s', vus: 1 }], session };

test('`engines` picks the engine per topology name, and the default path follows it', () => {
  const s = validateScenario(
    { ...base, engine: 'socket.io-lean', engines: { socketcluster: 'socketcluster' }, topology: ['single', 'socketcluster:2'] },
    'x.ts',
  );
  assert.equal(forTopology(s, 'single').engine, 'socket.io-lean');
  assert.equal(forTopology(s, 'single').path, '/socket.io');
  assert.equal(forTopology(s, 'socketcluster:2:rr').engine, 'socketcluster');
  assert.equal(forTopology(s, 'socketcluster:2:rr').path, '/socketcluster/');
  const own = validateScenario({ ...base, engine: 'ws', path: '/rt', engines: { socketcluster: 'socketcluster' } }, 'x.ts');
  assert.equal(forTopology(own, 'socketcluster:1').path, '/rt', 'a path the scenario set stays');
});

test('`engines` with an unknown engine is refused, naming the key', () => {
  assert.throws(
    () => validateScenario({ ...base, engines: { socketcluster: 'mqtt' } }, 'bad.ts'),
    (e: InputError) => e.details.some((d) => d.includes('`engines.socketcluster`')),
  );
});

test('`engines` keys are topology names: a typo or a full spec gets the nearest name', () => {
  const problems = (engines: unknown): string[] => {
    try {
      validateScenario({ ...base, engines }, 'keys.ts');
      return [];
    } catch (e) {
      return [...(e as InputError).details];
    }
  };
  assert.deepEqual(problems({ socketcluser: 'socketcluster' }), [
    '`engines.socketcluser` names no topology (did you mean `socketcluster`?) (known: single, cluster, sticky, lb, lb-sticky, router, socketcluster)',
  ]);
  assert.match(
    problems({ 'socketcluster:2': 'socketcluster' })[0]!,
    /`engines\.socketcluster:2` names no topology \(did you mean `socketcluster`\? a key is the topology's name, the part before ':'/,
  );
  assert.match(problems({ mesh: 'ws' })[0]!, /`engines\.mesh` names no topology \(known: single, cluster/);
  assert.match(problems({ single: 'socketio' })[0]!, /`engines\.single` must be one of .* \(got "socketio"\) \(did you mean `socket\.io`\?\)/);
  assert.deepEqual(problems({ socketcluster: 'socketcluster', single: 'ws', 'lb-sticky': 'socket.io' }), []);
});

test('an engine that cannot talk to a bundled topology is named with the `engines` that fixes it', () => {
  const s = validateScenario({ ...base, engine: 'socket.io-lean' }, 'x.ts');
  assert.deepEqual(engineMismatches(s, ['single', 'cluster:2:redis']), null);
  const sc = engineMismatches(s, ['single', 'socketcluster:2']);
  assert.deepEqual(sc?.problems, [
    "topology `socketcluster:2` speaks SocketCluster's protocol, and engine 'socket.io-lean' (from `engine`) does not: every handshake would be refused (HTTP 400)",
  ]);
  assert.equal(sc?.fix, "engines: { socketcluster: 'socketcluster' }");
  const both = validateScenario({ ...base, engine: 'socketcluster', engines: { single: 'socketcluster' } }, 'x.ts');
  const m = engineMismatches(both, ['single', 'lb-sticky:2', 'socketcluster:2']);
  assert.equal(m?.problems.length, 2);
  assert.match(m!.problems[0]!, /topology `single` serves Socket\.IO .* engine 'socketcluster' \(from `engines\.single`\)/);
  assert.match(m!.problems[1]!, /topology `lb-sticky:2` serves Socket\.IO .* \(from `engine`\)/);
  assert.equal(m?.fix, "engines: { single: 'socket.io', 'lb-sticky': 'socket.io' }");
  const fixed = validateScenario({ ...base, engine: 'socketcluster', engines: { single: 'socket.io', 'lb-sticky': 'socket.io' } }, 'x.ts');
  assert.equal(engineMismatches(fixed, ['single', 'lb-sticky:2', 'socketcluster:2']), null, 'the fix it gives is accepted');
});

test('a mismatched pairing is refused at planning, before any load, for the bundled server only', async () => {
  await assert.rejects(
    resolvePlan('test/fixtures/tiny-echo.ts', { topology: 'single,socketcluster:2', dryRun: true }, () => {}),
    (e: InputError) =>
      e.code === 'E_PROTOCOL_MISMATCH' &&
      /tiny-echo\.ts/.test(e.message) &&
      e.details.length === 1 &&
      /socketcluster:2/.test(e.details[0]!) &&
      /engines: \{ socketcluster: 'socketcluster' \}/.test(e.hint ?? ''),
  );
  // with --target the user knows what the server speaks
  const planned = await resolvePlan('test/fixtures/tiny-echo.ts', { target: 'http://127.0.0.1:9', topology: 'socketcluster:2', dryRun: true }, () => {});
  assert.deepEqual(planned.plan.topologies, ['external']);
});
