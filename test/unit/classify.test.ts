import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyError, errorCode } from '../../src/clients/classify.ts';
import { resolveFaults, resolveReconnect } from '../../src/scenario/faults.ts';

const errno = (code: string, message = `connect ${code}`): Error => Object.assign(new Error(message), { code });

test('connect failures are classified with the change that fixes them', () => {
  assert.equal(classifyError(errno('EMFILE')).kind, 'emfile');
  assert.match(classifyError(errno('EMFILE')).message, /ulimit -n/);
  const ports = classifyError(errno('EADDRNOTAVAIL'));
  assert.equal(ports.kind, 'port_exhaustion');
  assert.match(ports.message, /sourceIps/);
  assert.equal(classifyError(errno('DEPTH_ZERO_SELF_SIGNED_CERT')).kind, 'tls_error');
  assert.equal(classifyError(errno('ECONNREFUSED')).kind, 'connect_error');
  // engine.io-client nests the cause: { description: { error: { code } } }
  const nested = Object.assign(new Error('websocket error'), { description: { error: errno('EADDRNOTAVAIL') } });
  assert.equal(errorCode(nested), 'EADDRNOTAVAIL');
  assert.equal(classifyError(nested).kind, 'port_exhaustion');
  assert.equal(classifyError(Object.assign(new Error('xhr poll error'), { description: 400 })).kind, 'session_unknown');
  assert.equal(classifyError('xhr poll error: HTTP 400').kind, 'session_unknown');
});

test('fault timelines: every problem named by entry and field; sorted; reconnect on by default with faults', () => {
  const problems: string[] = [];
  const out = resolveFaults(
    [
      { at: '30s', pause: 'worker', for: '5s' },
      { at: '10s', kill: 'worker', index: 1 },
      { at: 'soon', kill: 'dragon' },
      { at: '1s', kill: 'worker', restart: 'redis' },
      { at: '2s', pause: 'worker' },
      { at: '3s', run: '' },
    ],
    problems,
  );
  // entries whose time parsed are kept, in time order (the run is refused anyway while problems remain)
  assert.deepEqual(
    out.map((f) => [f.action, f.atMs, f.index]),
    [
      ['pause', 2000, 0],
      ['run', 3000, 0],
      ['kill', 10_000, 1],
      ['pause', 30_000, 0],
    ],
  );
  assert.equal(out[3]!.forMs, 5000);
  assert.equal(out[2]!.label, 'kill worker#1 @10s');
  assert.ok(problems.some((p) => p.includes('faults[2].at')));
  assert.ok(problems.some((p) => p.includes("faults[2].kill` must be one of 'worker'")));
  assert.ok(problems.some((p) => p.includes('faults[3]` needs exactly one of kill, pause, restart, run, network (got kill, restart)')));
  assert.ok(problems.some((p) => p.includes('faults[4].for` is required with pause')));
  assert.ok(problems.some((p) => p.includes('faults[5].run')));
  assert.deepEqual(resolveReconnect(undefined, true, []), { attempts: 20, delayMs: 200, maxDelayMs: 2000 });
  assert.equal(resolveReconnect(undefined, false, []), null);
  const p2: string[] = [];
  resolveReconnect({ attempts: 0 }, false, p2);
  assert.match(p2[0]!, /reconnect\.attempts/);
});
