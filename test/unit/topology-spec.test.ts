import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/shared/errors.ts';
import { getTopology, parseTopologySpec, topologyNames } from '../../reference-server/topologies/index.ts';

test('topology specs parse into name and params', () => {
  assert.deepEqual(parseTopologySpec('cluster:4:rr'), { name: 'cluster', params: ['4', 'rr'], raw: 'cluster:4:rr' });
  assert.deepEqual(parseTopologySpec(' single '), { name: 'single', params: [], raw: 'single' });
});

test('unknown topologies are input errors that list the known ones', () => {
  assert.ok(topologyNames().includes('single'));
  assert.throws(
    () => getTopology(parseTopologySpec('mesh:3')),
    (e: unknown) => e instanceof InputError && e.code === 'E_UNKNOWN_TOPOLOGY' && /mesh:3/.test(e.message) && /single/.test(e.hint ?? ''),
  );
  assert.throws(() => getTopology(parseTopologySpec('single:2')), (e: unknown) => e instanceof InputError && /takes no parameters/.test(e.details.join()));
  assert.equal(getTopology(parseTopologySpec('single')).name, 'single');
});
