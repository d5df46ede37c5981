import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RedisContainer } from '@testcontainers/redis';
import { io } from 'socket.io-client';
import type { GenericContainer } from 'testcontainers';
import { HAPROXY_CONFIG_PATH, HAPROXY_IMAGE } from '../../src/containers/haproxy.ts';
import { REDIS_IMAGE } from '../../src/containers/redis.ts';
import { REFERENCE_IMAGE } from '../../src/containers/reference-server.ts';
import { REPO_ROOT, toTestContainer } from '../../src/containers/runtime.ts';
import { containerPlan, type ContainerSpec } from '../../src/containers/specs.ts';

const plan = (t: string): ReturnType<typeof containerPlan> => containerPlan(t, { repoRoot: REPO_ROOT, pushRate: 0 });
const byRole = (p: ReturnType<typeof containerPlan>, role: ContainerSpec['role']): ContainerSpec[] => p.containers.filter((c) => c.role === role);

/** What testcontainers would hand the runtime (its create options), read without a runtime. */
function createOpts(c: GenericContainer): { Image?: string; Cmd?: string[]; Entrypoint?: string[]; Env?: string[] } & { aliases: string[]; ports: unknown[] } {
  const raw = c as unknown as {
    createOpts: { Image?: string; Cmd?: string[]; Entrypoint?: string[] };
    environment: Record<string, string>;
    networkAliases: string[];
    exposedPorts: unknown[];
  };
  return { ...raw.createOpts, Env: Object.entries(raw.environment).map(([k, v]) => `${k}=${v}`), aliases: raw.networkAliases, ports: raw.exposedPorts };
}

test('containers: single is one reference-server container built from the Dockerfile, serving on 3000', () => {
  const p = plan('single');
  assert.equal(p.containers.length, 1);
  const s = p.containers[0]!;
  assert.equal(s.image, REFERENCE_IMAGE);
  assert.deepEqual(s.build, { context: REPO_ROOT, dockerfile: 'Dockerfile' });
  assert.ok(existsSync(join(s.build!.context, s.build!.dockerfile)), 'the Dockerfile it builds from exists');
  assert.deepEqual(s.command, ['serve', '--topology', 'single', '--host', '0.0.0.0', '--port', '3000', '--push-rate', '0']);
  assert.deepEqual(s.ports, [3000]);
  assert.deepEqual(p.entry, { alias: 'server', port: 3000 });
  const o = createOpts(toTestContainer(s));
  assert.equal(o.Image, REFERENCE_IMAGE);
  assert.deepEqual(o.Cmd, s.command);
  assert.deepEqual(o.aliases, ['server']);
  assert.deepEqual(o.ports, [3000]);
});

test('containers: the redis adapter variants add a Redis container (@testcontainers/redis) and point the server at it', () => {
  for (const t of ['cluster:2:rr:redis', 'sticky:3:default:redis']) {
    const p = plan(t);
    const [redis] = byRole(p, 'redis');
    assert.ok(redis, t);
    assert.equal(redis.image, REDIS_IMAGE);
    assert.deepEqual(redis.ports, [6379]);
    assert.equal(p.containers[0], redis, 'Redis starts first');
    const [server] = byRole(p, 'server');
    assert.equal(server!.env!.RTBENCH_REDIS_URL, 'redis://redis:6379');
    assert.equal(server!.command![2], t);
    const rc = toTestContainer(redis);
    assert.ok(rc instanceof RedisContainer);
    const o = createOpts(rc);
    assert.equal(o.Image, REDIS_IMAGE);
    assert.deepEqual(o.aliases, ['redis']);
    assert.deepEqual(createOpts(toTestContainer(server!)).Env, ['RTBENCH_REDIS_URL=redis://redis:6379']);
  }
  assert.equal(byRole(plan('cluster:2'), 'redis').length, 0, 'the cluster adapter needs no Redis');
});

test('containers: lb is N node containers behind an HAProxy container, with the config the local lb renders', () => {
  const p = plan('lb:3:source');
  const nodes = byRole(p, 'node');
  assert.deepEqual(
    nodes.map((n) => n.alias),
    ['node0', 'node1', 'node2'],
  );
  for (const [i, n] of nodes.entries()) {
    assert.equal(n.image, REFERENCE_IMAGE);
    assert.deepEqual(n.entrypoint, ['node', '/app/dist/reference-server/container-node.js']);
    assert.deepEqual(JSON.parse(n.command![0]!), { topology: 'lb:3:source', index: i, pushRate: 0, host: '0.0.0.0', port: 3000 });
  }
  const [lb] = byRole(p, 'haproxy');
  assert.equal(lb!.image, HAPROXY_IMAGE);
  assert.deepEqual(lb!.command, ['haproxy', '-f', HAPROXY_CONFIG_PATH, '-db']);
  const cfg = lb!.files![0]!;
  assert.equal(cfg.target, HAPROXY_CONFIG_PATH);
  assert.match(cfg.content, /bind 0\.0\.0\.0:3000/);
  assert.match(cfg.content, /balance source/);
  for (let i = 0; i < 3; i++) assert.match(cfg.content, new RegExp(`server n${i} node${i}:3000`));
  assert.deepEqual(p.entry, { alias: 'lb', port: 3000 });
  assert.equal(p.workers, 3);
  const o = createOpts(toTestContainer(lb!));
  assert.equal(o.Image, HAPROXY_IMAGE);
  assert.deepEqual(o.Cmd, lb!.command);
  assert.deepEqual(createOpts(toTestContainer(nodes[1]!)).Entrypoint, nodes[1]!.entrypoint);
  // lb-sticky: one sticky master behind HAProxy, fixed by the PROXY protocol
  const ls = plan('lb-sticky:4:proxy');
  assert.equal(byRole(ls, 'server')[0]!.command![2], 'sticky:4:proxy');
  assert.match(byRole(ls, 'haproxy')[0]!.files![0]!.content, /server sticky_master server:3000 send-proxy/);
  assert.match(byRole(plan('lb-sticky:2:xff'), 'haproxy')[0]!.files![0]!.content, /mode http[\s\S]*option forwardfor/);
});

test('containers: unknown topologies are input errors, before any runtime is asked', () => {
  assert.throws(
    () => plan('nope:1'),
    (e: Error & { code?: string }) => e.code === 'E_UNKNOWN_TOPOLOGY',
  );
  assert.throws(
    () => plan('lb:0'),
    (e: Error & { code?: string; details?: string[] }) => e.code === 'E_UNKNOWN_TOPOLOGY' && /node count must be 1\.\.64/.test((e.details ?? []).join()),
  );
});

test('containers: the lb node entry (what a node container runs) serves the app as lb#<index>', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'reference-server/container-node.ts', JSON.stringify({ topology: 'lb:2', index: 1, pushRate: 0, host: '127.0.0.1', port: 0 })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 20_000);
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /rtbench lb node 1 \(lb#1\) on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });
    const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const welcome = await new Promise<{ worker: { id: string } }>((resolve) => s.once('welcome', resolve));
    s.disconnect();
    assert.equal(welcome.worker.id, 'lb#1');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
