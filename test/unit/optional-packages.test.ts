import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTopology, parseTopologySpec } from '../../reference-server/topologies/index.ts';
import { importOptional, missingPackageError, OPTIONAL_PACKAGES } from '../../src/shared/optional.ts';
import { isRtbenchError } from '../../src/shared/errors.ts';

test('optional packages: the ones package.json declares optional peers (and dev dependencies here), each named with its feature', async () => {
  const { readFile } = await import('node:fs/promises');
  type Pkg = { dependencies: Record<string, string>; devDependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as Pkg & {
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
  };
  const names = Object.keys(OPTIONAL_PACKAGES).sort();
  assert.deepEqual(Object.keys(pkg.peerDependencies).sort(), names);
  for (const name of names) {
    assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, `${name} is an optional peer: npm does not install it unasked`);
    // a peer range may take older majors users' projects have (checked by hand, see docs/install.md);
    // this repository's tests install the newest of them
    const alternatives = pkg.peerDependencies[name]!.split('||').map((r) => r.trim());
    assert.equal(pkg.devDependencies[name], alternatives.at(-1), `${name}: this repository's tests install the newest range users may have`);
    assert.ok(!(name in pkg.dependencies), `${name} is not a required dependency`);
  }
  // optionalDependencies would come back with any later plain `npm install` in the user's project
  assert.equal(pkg.optionalDependencies, undefined, 'no optionalDependencies');
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
  await assert.rejects(
    importOptional('zeromq', () => Promise.reject(inner)),
    (e: unknown) => e === inner,
  );
  assert.match(missingPackageError('redis').format(), /Redis adapter/);
  // installed here (the repository has them as dev dependencies): imported as usual
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
