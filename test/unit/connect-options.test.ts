import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectOptionsError, connectProblems, mergeConnect, resolveConnect, targetParts } from '../../src/clients/connect-options.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { InputError } from '../../src/shared/errors.ts';

test('connect options: unknown keys and a namespace without / are errors naming the field and the fix', () => {
  const p = connectProblems({ nsp: '/chat', namespace: 'chat', headers: { 'x-tenant': 'a\r\nx: y', Host: 'h' } }, 'connect', 'socket.io');
  assert.ok(
    p.some((m) => m.includes('`connect.nsp` is not a connect option (known: namespace, auth, query, headers, parser, path)')),
    p.join('\n'),
  );
  assert.ok(
    p.some((m) => m.includes("`connect.namespace` must start with '/' (got \"chat\"): write e.g. '/chat'")),
    p.join('\n'),
  );
  assert.ok(
    p.some((m) => m.includes("`connect.headers['x-tenant']` must be a string without line breaks")),
    p.join('\n'),
  );
  assert.ok(
    p.some((m) => m.includes("`connect.headers['Host']` is set by the engine itself")),
    p.join('\n'),
  );
  assert.deepEqual(
    connectProblems({ namespace: '/chat', auth: { token: 't' }, query: { a: 1, b: true }, headers: { 'x-tenant': 'acme' } }, 'connect', 'socket.io-lean'),
    [],
  );
  const ws = connectProblems({ namespace: '/chat', auth: { token: 't' } }, 'connect', 'ws');
  assert.match(ws[0]!, /`connect.namespace` is a Socket.IO option: with engine 'ws' put the WebSocket path in --target/);
  assert.match(ws[1]!, /`connect.auth` is the Socket.IO handshake payload: with engine 'ws' send credentials in `query` or `headers`/);
  assert.match(connectProblems('x', 'connect', 'ws')[0]!, /must be an object \{ namespace\?, auth\?, query\?, headers\?, parser\?, path\? \}/);
});

test('a Promise as connect options is refused with the fix (an async function), not taken as {}', () => {
  const p = connectProblems(Promise.resolve({ auth: { token: 't' } }), 'connect', 'socket.io');
  assert.equal(p.length, 1);
  assert.match(p[0]!, /`connect` is a Promise: write `connect: async \(ctx\) => \(\{ … \}\)`/);
  assert.throws(() => resolveConnect(Promise.resolve({}) as never, targetParts('http://127.0.0.1:1/chat'), 'socket.io'), /is a Promise/);
});

test("a scenario's static `connect` is checked with every other field", () => {
  const base = { name: 'x', phases: [{ duration: '1s', vus: 1 }], session: async () => {} };
  assert.throws(
    () => validateScenario({ ...base, connect: { namespace: 'chat', token: 'x' } }, 's.ts'),
    (e: unknown) =>
      e instanceof InputError &&
      e.code === 'E_SCENARIO_INVALID' &&
      e.details.some((d) => d.startsWith("`connect.namespace` must start with '/'")) &&
      e.details.some((d) => d.startsWith('`connect.token` is not a connect option')),
  );
  assert.doesNotThrow(() => validateScenario({ ...base, connect: (ctx: { id: number }) => ({ auth: { token: `t${ctx.id}` } }) }, 's.ts'));
  assert.doesNotThrow(() => validateScenario({ ...base, engine: 'ws', connect: { query: { token: 'x' }, headers: { 'x-tenant': 'a' } } }, 's.ts'));
});

test('merge: the call replaces namespace and auth, and adds query and headers name by name', () => {
  const m = mergeConnect(
    { namespace: '/a', auth: { token: 'd' }, query: { x: '1', y: '1' }, headers: { 'x-tenant': 'acme' } },
    { auth: { token: 'c' }, query: { y: '2' }, headers: { authorization: 'Bearer t' } },
  );
  assert.deepEqual(m, { namespace: '/a', auth: { token: 'c' }, query: { x: '1', y: '2' }, headers: { 'x-tenant': 'acme', authorization: 'Bearer t' } });
  assert.deepEqual(mergeConnect(undefined, undefined), {});
});

test("resolve: the target's path is the default namespace and its query is kept; bad options throw", () => {
  const t = targetParts('http://127.0.0.1:4120/chat/?tenant=acme');
  assert.deepEqual(t, { origin: 'http://127.0.0.1:4120', pathname: '/chat', query: { tenant: 'acme' } });
  const r = resolveConnect({ query: { n: 2 } }, t, 'socket.io');
  assert.equal(r.namespace, '/chat');
  assert.deepEqual(r.query, { tenant: 'acme', n: '2' });
  assert.equal(r.hasQuery, true);
  assert.equal(r.hasHeaders, false);
  assert.equal(resolveConnect({ namespace: '/admin' }, t, 'socket.io').namespace, '/admin');
  assert.equal(resolveConnect({}, targetParts('http://127.0.0.1:1'), 'socket.io').namespace, '/');
  // copies: an engine that adds to them (socket.io-client adds a cookie header) cannot change what a reconnection resolves
  const o = { auth: { token: 'a' }, headers: { 'x-tenant': 'acme' } };
  const once = resolveConnect(o, t, 'socket.io');
  once.headers.cookie = 'x';
  (once.auth as Record<string, unknown>).token = 'changed';
  assert.deepEqual(o, { auth: { token: 'a' }, headers: { 'x-tenant': 'acme' } });
  assert.throws(
    () => resolveConnect({ namespace: 'admin' }, t, 'socket.io'),
    (e: unknown) => e instanceof ConnectOptionsError && /`connect.namespace` must start with '\/'/.test(e.message),
  );
});
