/**
 * Servers that break the WebSocket protocol (RFC 6455 §5.2) once the client is connected: a
 * reserved opcode, RSV bits without an extension, a masked server frame, a text frame that is not
 * UTF-8, a 64-bit length with its top bit set. Each drop is `disconnected` with the protocol error
 * as its reason (not a bare `connection closed (1006)`), the ack it cut off too, exactly once per
 * session; the run ends on time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorsOf, runAgainst, startHostile } from './harness.ts';

const ON_TIME_MS = 1000 + 15_000;

/** What `ws` (the library both the ws and socket.io engines use) and the lean engine say about each. */
const REASON: Record<string, RegExp> = {
  opcode: /invalid opcode 3/i,
  rsv: /RSV1 must be clear|RSV1, RSV2 or RSV3 set/i,
  masked: /MASK must be clear/i,
  utf8: /invalid UTF-8 sequence/i,
  length: /payload length > 2\^53 - 1|payload length/i,
};

for (const engine of ['ws', 'socket.io', 'socket.io-lean'] as const) {
  for (const kind of Object.keys(REASON)) {
    test(`${engine}: a ${kind} protocol error is \`disconnected\` with its reason, the cut-off ack too, once per session`, async () => {
      const s = await startHostile(`ws-malformed-${kind}`, engine === 'ws' ? {} : { HOSTILE_EIO: '1' });
      try {
        const { r, wallMs } = await runAgainst('ack.ts', s.url, { HOSTILE_ENGINE: engine, HOSTILE_VUS: '2' });
        const st = await s.stats();
        const started = r.counters['sessions.started']!;
        assert.ok(started >= 2, `${started} sessions`);
        assert.equal(st.malformed, started, 'each session got its malformed frame');
        const errors = errorsOf(r);
        assert.deepEqual(Object.keys(errors), ['disconnected'], JSON.stringify(r.errors));
        const lines = errors.disconnected!;
        assert.equal(
          lines.reduce((n, [, c]) => n + c, 0),
          2 * started,
          JSON.stringify(lines),
        );
        for (const [message] of lines) {
          // the lean engine does not check UTF-8 (a cost on every text frame): the bytes then fail as an Engine.IO packet, said so
          const reason = engine === 'socket.io-lean' && kind === 'utf8' ? /parse error: unknown Engine\.IO packet/ : REASON[kind]!;
          assert.match(message, reason, `the protocol error is kept: ${message}`);
          assert.doesNotMatch(message, /^connection closed \(1006\)$/);
        }
        assert.ok(
          lines.some(([m]) => m.startsWith('connection closed before the ack of `echo`: ')),
          JSON.stringify(lines),
        );
        assert.ok(
          lines.some(([m]) => m.startsWith('server closed the connection: ')),
          JSON.stringify(lines),
        );
        assert.equal(r.counters.disconnects, started);
        assert.equal(r.counters['sessions.failed'], started);
        assert.ok(wallMs < ON_TIME_MS, `run took ${Math.round(wallMs)} ms`);
      } finally {
        await s.close();
      }
    });
  }
}
