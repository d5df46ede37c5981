/**
 * The pre-run check against servers that cannot be load-tested: one answering HTTP 500, one
 * answering bytes that are not HTTP, one that accepts TCP and never answers. Each run is refused
 * before any load, within seconds, with the reason and a stable code; the server saw the check's
 * connections only (no client was started). And the `ws` engine aimed at a Socket.IO server is told so.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRtbenchError } from '../../src/shared/errors.ts';
import { runAgainst, startHostile } from './harness.ts';

/** The probe waits 4 s for an answer; scenario loading and planning take the rest. */
const WITHIN_MS = 4000 + 6000;

const CASES = [
  { kind: 'http-500', code: 'E_TARGET_UNHEALTHY', exit: 1, message: /answers HTTP 500 at .* Internal Server Error/ },
  { kind: 'garbage', code: 'E_PROTOCOL_MISMATCH', exit: 2, message: /is not an HTTP server: its answer to .* is not HTTP/ },
  { kind: 'silent', code: 'E_TARGET_UNHEALTHY', exit: 1, message: /accepted the connection but sent no answer to .* within 4000ms/ },
] as const;

for (const engine of ['socket.io', 'socket.io-lean', 'ws'] as const) {
  for (const c of CASES) {
    test(`${engine}: a server that ${c.kind === 'http-500' ? 'answers 500' : c.kind === 'garbage' ? 'answers garbage' : 'accepts and stays silent'} is refused before any load, within seconds (${c.code})`, async () => {
      const s = await startHostile(c.kind);
      try {
        const t0 = performance.now();
        const err = await runAgainst('ack.ts', s.url, { HOSTILE_ENGINE: engine }).then(
          () => null,
          (e: unknown) => e,
        );
        const ms = performance.now() - t0;
        assert.ok(isRtbenchError(err), `refused with a coded error, got ${String(err)}`);
        assert.equal(err.code, c.code, err.message);
        assert.equal(err.exitCode, c.exit);
        assert.match(err.message, c.message);
        assert.ok(err.message.includes(s.url), 'names the target');
        assert.ok(err.hint, 'says what to do');
        assert.ok(ms < WITHIN_MS, `refused after ${Math.round(ms)} ms`);
        // the reachability check and the probe (the ws engine's may ask /socket.io/ too): no client connected
        const st = await s.stats();
        assert.ok((st.tcp ?? 0) <= 3, `${st.tcp} connections`);
      } finally {
        await s.close();
      }
    });
  }
}

test('CLI: a silent server: exit 1 within seconds, the reason on stderr, no stack trace, no load', async () => {
  const s = await startHostile('silent');
  try {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      ['bin/rtbench.js', 'run', 'test/hostile/fixtures/ack.ts', '--target', s.url, '--out', mkdtempSync(join(tmpdir(), 'rtbench-hostile-'))],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((res) => child.once('close', res));
    clearTimeout(killer);
    assert.equal(code, 1, stderr);
    assert.ok(performance.now() - t0 < WITHIN_MS + 5000);
    assert.match(stderr, /accepted the connection but sent no answer to \/socket\.io\/ \(the Engine\.IO handshake\) within 4000ms \[E_TARGET_UNHEALTHY\]/);
    assert.match(stderr, /fix: /);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.ok(((await s.stats()).tcp ?? 0) <= 2);
  } finally {
    await s.close();
  }
});

test('the ws engine aimed at a Socket.IO server: refused, named a Socket.IO server, with the engine to use (not `socket hang up`)', async () => {
  const s = await startHostile('sio-never-ack');
  try {
    const err = await runAgainst('ack.ts', s.url, { HOSTILE_ENGINE: 'ws' }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isRtbenchError(err), String(err));
    assert.equal(err.code, 'E_PROTOCOL_MISMATCH');
    assert.match(err.message, /is a Socket\.IO server/);
    assert.match(err.hint ?? '', /engine: 'socket\.io'/);
    assert.equal((await s.stats()).connections ?? 0, 0, 'no client connected');
  } finally {
    await s.close();
  }
});
