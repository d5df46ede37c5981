import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/shared/errors.ts';
import { getTopology, parseTopologySpec, topologyNames } from '../../reference-server/topologies/index.ts';
import { parseClusterSpec } from '../../reference-server/topologies/cluster.ts';
import { parseSocketClusterSpec } from '../../reference-server/topologies/socketcluster.ts';
import { parseStickySpec } from '../../reference-server/topologies/sticky.ts';

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
  assert.throws(
    () => getTopology(parseTopologySpec('single:2')),
    (e: unknown) => e instanceof InputError && /takes no parameters/.test(e.details.join()),
  );
  assert.equal(getTopology(parseTopologySpec('single')).name, 'single');
});

/** The details of the refusal of `raw` (one line each), or null when it is accepted. */
function refusal(raw: string): string | null {
  try {
    getTopology(parseTopologySpec(raw));
    return null;
  } catch (e) {
    assert.ok(e instanceof InputError && e.code === 'E_UNKNOWN_TOPOLOGY', String(e));
    assert.match(e.message, new RegExp(`\`${raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``), 'the refusal names the spec');
    return [...e.details, e.hint ?? ''].join('\n');
  }
}

test('cluster:N[:rr|none][:cluster|redis]: the adapter may come without the policy (cluster:2:redis = cluster:2:rr:redis)', () => {
  assert.deepEqual(parseClusterSpec(parseTopologySpec('cluster:2:redis')), { workers: 2, policy: 'rr', adapter: 'redis' });
  assert.deepEqual(parseClusterSpec(parseTopologySpec('cluster:2:cluster')), { workers: 2, policy: 'rr', adapter: 'cluster' });
  assert.deepEqual(parseClusterSpec(parseTopologySpec('cluster:3:none')), { workers: 3, policy: 'none', adapter: 'cluster' });
  assert.deepEqual(parseClusterSpec(parseTopologySpec('cluster:2:none:redis')), { workers: 2, policy: 'none', adapter: 'redis' });
  for (const ok of ['cluster:2:redis', 'cluster:2:cluster', 'cluster:2:rr', 'cluster:2:none:cluster', 'cluster:2:rr:redis'])
    assert.equal(refusal(ok), null, ok);
});

test('sticky:N[:route][:cluster|redis] and socketcluster:N[:rr|none][:B]: the last part may come alone', () => {
  assert.deepEqual((({ workers, routeName, adapter }) => ({ workers, routeName, adapter }))(parseStickySpec(parseTopologySpec('sticky:2:redis'))), {
    workers: 2,
    routeName: 'default',
    adapter: 'redis',
  });
  assert.equal(parseStickySpec(parseTopologySpec('sticky:2:sid')).routeName, 'sid');
  assert.deepEqual(parseSocketClusterSpec(parseTopologySpec('socketcluster:2:3')), { workers: 2, policy: 'rr', brokers: 3 });
  assert.deepEqual(parseSocketClusterSpec(parseTopologySpec('socketcluster:2:none')), { workers: 2, policy: 'none', brokers: 1 });
  for (const ok of ['sticky:2:redis', 'sticky:2:cluster', 'sticky:2:sid:redis', 'socketcluster:2:3', 'socketcluster:2:none:2'])
    assert.equal(refusal(ok), null, ok);
});

test('a refused spec names itself and says the exact fix: the spec as it should be written', () => {
  assert.match(refusal('cluster:2:redis:rr')!, /policy comes before the adapter: did you mean `cluster:2:rr:redis`\?/);
  assert.match(refusal('cluster:2:rx:redis')!, /policy must be rr, none \(got rx\): did you mean `cluster:2:rr:redis`\?/);
  assert.match(refusal('cluster:2:redsi')!, /`redsi` is not a policy \(rr, none\) or adapter \(cluster, redis\): did you mean `cluster:2:redis`\?/);
  assert.match(
    refusal('cluster:2:zzzzzz')!,
    /write cluster:N\[:policy\]\[:adapter\] \(policy: rr, none; adapter: cluster, redis\), e\.g\. `cluster:2:rr:redis`/,
  );
  assert.match(refusal('cluster:2:rr:redis:x')!, /3 parts after the count, at most 2/);
  assert.match(refusal('cluster:2:')!, /empty part: did you mean `cluster:2`\?/);
  assert.match(refusal('cluster:0')!, /worker count must be a whole number from 1 to 64 \(got 0\): e\.g\. `cluster:2`/);
  assert.match(refusal('sticky:2:redis:sid')!, /route comes before the adapter: did you mean `sticky:2:sid:redis`\?/);
  assert.match(refusal('socketcluster:2:rrr:2')!, /did you mean `socketcluster:2:rr:2`\?/);
  assert.match(refusal('socketcluster:2:rr:99')!, /broker count must be a whole number from 1 to 16 \(got 99\)/);
  assert.match(refusal('clustr:2:redis')!, /did you mean `cluster:2:redis`\?/);
});

test('lb and lb-sticky: a near word gets the spec as it should be written', () => {
  assert.match(refusal('lb:2:cookei')!, /balance must be one of roundrobin, source, cookie \(got cookei\): did you mean `lb:2:cookie`\?/);
  assert.match(refusal('lb-sticky:2:proxi')!, /fix must be one of none, proxy, xff \(got proxi\): did you mean `lb-sticky:2:proxy`\?/);
  assert.match(refusal('lb-sticky:2:zzzzzz')!, /e\.g\. `lb-sticky:2:proxy`/);
});
