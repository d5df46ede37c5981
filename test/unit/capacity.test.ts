import assert from 'node:assert/strict';
import { test } from 'node:test';
import { machineLimits, planCapacity } from '../../src/plan/capacity.ts';

const limits = { fdLimit: 20_000, portsPerAddress: 28_000 };

test('capacity: counts left to rtbench are raised from the run size', () => {
  const p = planCapacity({ peak: 100_000, generators: 2, generatorsExplicit: false, addresses: 8, addressesExplicit: false, shards: 1, limits });
  assert.equal(p.generators, 7); // 16,000 clients per generator under a 20,000-file limit
  assert.equal(p.addresses, 8); // 8 × 22,400 ports is enough
  assert.equal(p.problems.length, 0);
  assert.match(p.notes[0]!, /100000 clients at peak: 7 generator processes/);
  const ports = planCapacity({ peak: 300_000, generators: 32, generatorsExplicit: false, addresses: 8, addressesExplicit: false, shards: 1, limits });
  assert.equal(ports.addresses, 14);
});

test('capacity: counts the user set that cannot work are refused with the fix; shards divide the load', () => {
  const p = planCapacity({ peak: 100_000, generators: 2, generatorsExplicit: true, addresses: 2, addressesExplicit: true, shards: 1, limits });
  assert.equal(p.problems.length, 2);
  assert.match(p.problems[0]!, /use --generators 7/);
  assert.match(p.problems[1]!, /set `sourceIps: 5`/);
  const sharded = planCapacity({ peak: 100_000, generators: 2, generatorsExplicit: true, addresses: 8, addressesExplicit: false, shards: 4, limits });
  assert.deepEqual(sharded.problems, []); // 25,000 per shard: fits 2 generators
  assert.equal(sharded.generators, 2);
});

test("capacity: this machine's limits are read, not assumed", () => {
  const l = machineLimits();
  assert.ok(l.fdLimit >= 1024, `fd limit ${l.fdLimit}`);
  assert.ok(l.portsPerAddress > 1000 && l.portsPerAddress <= 65_536);
});
