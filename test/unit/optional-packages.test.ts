import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTopology, parseTopologySpec } from '../../reference-server/topologies/index.ts';
import { importOptional, missingPackageError, OPTIONAL_PACKAGES } from '../../src/shared/optional.ts';
import { isRtbenchError } from '../../src/shared/errors.ts';

test('optional packages: the ones package.json declares optional, each named with its feature', async () => {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { optionalDependencies: Record<string, string>; dependencies: Record<string, string> };
  assert.deepEqual(Object.keys(pkg.optionalDependencies).sort(), Object.keys(OPTIONAL_PACKAGES).sort());
  for (const name of Object.keys(OPTIONAL_PACKAGES)) assert.ok(!(name in pkg.dependencies), `${name} is not a required dependency`);
  assert.ok(!('@kubernetes/client-node' in pkg.dependencies), 'the Kubernetes client is not needed to print manifests');
});

test('optional packages: a missing one is an input error naming the package and the command', async () => {
  const missing = Object.assign(new Error("Cannot find package 'zeromq' imported from /x/y.js"), { code: 'ERR_MODULE_NOT_FOUND' });
  await assert.rejects(
    importOptional('zeromq', () => Promise.reject(missing)),
    (e: unknown) => isRtbenchError(e) && e.code === 'E_MISSING_PACKAGE' && /`zeromq`/.test(e.message) && /npm install zeromq/.test(e.format()),
  );
  // a different module missing inside the package is not mistaken for the package itself
  const inner = Object.assign(new Error("Cannot find module './build/x.node'"), { code: 'MODULE_NOT_FOUND' });
  await assert.rejects(importOptional('zeromq', () => Promise.reject(inner)), (e: unknown) => e === inner);
  assert.match(missingPackageError('redis').format(), /Redis adapter/);
  // installed here (the repository installs optional packages): imported as usual
  const zmq = await importOptional('zeromq', () => import('zeromq'));
  assert.equal(typeof zmq.Router, 'function');
});

test('optional packages: topologies declare the ones they import', () => {
  const needs = (raw: string): string[] => getTopology(parseTopologySpec(raw)).optionalPackages?.(parseTopologySpec(raw)) ?? [];
  assert.deepEqual(needs('router:2x2'), ['zeromq']);
  assert.deepEqual(needs('router:single'), []);
  assert.deepEqual(needs('cluster:2:rr:redis'), ['@socket.io/redis-adapter', 'redis']);
  assert.deepEqual(needs('sticky:2:default:redis'), ['@socket.io/redis-adapter', 'redis']);
  assert.deepEqual(needs('cluster:2'), []);
  assert.deepEqual(needs('single'), []);
  assert.deepEqual(needs('socketcluster:2'), ['scc-broker', 'scc-broker-client']);
});
