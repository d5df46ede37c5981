import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import type { Reporter } from '../../src/run/reporter.ts';
import { startReferenceServer } from '../../reference-server/start.ts';
import { memOutput } from './helpers.ts';

async function withStall(fixture: string): Promise<{ p99: number; max: number; count: number }> {
  const server = await startReferenceServer({ topology: 'single' });
  try {
    // stall once, 1.5 s into the load (driven by the progress stream, not a wall-clock guess)
    let stalled = false;
    const staller: Reporter = {
      name: 'staller',
      onTick(t) {
        if (!stalled && t.elapsedMs >= 1500) {
          stalled = true;
          void fetch(`${server.url}/__rtbench/stall?ms=1000`, { method: 'POST' });
        }
      },
    };
    const outcome = await run(fixture, {
      target: server.url,
      generators: 1,
      out: mkdtempSync(join(tmpdir(), 'rtbench-co-')),
      reporters: [staller],
      stdout: memOutput(),
      stderr: memOutput(),
    });
    assert.ok(stalled, 'the stall was triggered during the load');
    assert.equal(outcome.exitCode, 0);
    const ack = outcome.file.runs[0]!.metrics['ack:echo']!;
    return { p99: ack.p99, max: ack.max, count: ack.count };
  } finally {
    await server.stop();
  }
}

test('open model: a 1 s server stall shows in p99 (latency from the intended send time)', async () => {
  const open = await withStall('test/fixtures/open-echo.ts');
  assert.ok(open.max >= 900, `the stall should be seen: max ${open.max}`);
  assert.ok(open.p99 >= 500, `open-model p99 should include the stall, got ${open.p99}ms`);
});

test('closed loop: the same stall all but vanishes from p99 (why rtbench uses intended times)', async () => {
  const closed = await withStall('test/fixtures/closed-echo.ts');
  assert.ok(closed.max >= 900, `the stall should be seen: max ${closed.max}`);
  assert.ok(closed.p99 < 200, `closed-loop p99 hides the stall, got ${closed.p99}ms over ${closed.count} acks`);
});
