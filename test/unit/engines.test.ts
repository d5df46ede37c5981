import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forTopology, validateScenario } from '../../src/scenario/validate.ts';
import { InputError } from '../../src/shared/errors.ts';

const session = async (): Promise<void> => {};
const base = { name: 'e', phases: [{ duration: '1s', vus: 1 }], session };

test('`engines` picks the engine per topology name, and the default path follows it', () => {
  const s = validateScenario({ ...base, engine: 'socket.io-lean', engines: { socketcluster: 'socketcluster' }, topology: ['single', 'socketcluster:2'] }, 'x.ts');
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
