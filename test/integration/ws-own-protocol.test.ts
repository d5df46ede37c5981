/**
 * The `ws` engine against an app rtbench did not write, whose own frames look like rtbench's
 * reference protocol: `protocol: 'raw'` gives every frame to request()/onMessage; and an external
 * ws:// target's path is its own path (default `/`, as `new WebSocket(url)`), not `/ws`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { run } from '../../src/run/run.ts';
import { memOutput } from './helpers.ts';

interface App {
  port: number;
  /** The path of each upgrade, in order. */
  paths: string[];
  pongs: number;
  close(): Promise<void>;
}

/** A WebSocket app on any path: answers `{"e":"ping","a":[n]}` with `{"e":"pong","a":[n]}`. */
async function startApp(): Promise<App> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const app: App = {
    port: (wss.address() as AddressInfo).port,
    paths: [],
    pongs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (ws, req) => {
    app.paths.push(new URL(req.url ?? '/', 'http://x').pathname);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { e: string; a: number[] };
      if (m.e !== 'ping') return;
      app.pongs++;
      ws.send(JSON.stringify({ e: 'pong', a: m.a }));
    });
  });
  return app;
}

async function runAgainst(
  target: string,
  protocol?: 'raw',
  dryRun = false,
): Promise<{ exitCode: number; file: Awaited<ReturnType<typeof run>>['file'] | undefined; stderr: string; stdout: string }> {
  const stderr = memOutput();
  const stdout = memOutput();
  if (protocol) process.env.RTBENCH_TEST_PROTOCOL = protocol;
  try {
    const o = await run('test/fixtures/ws-lookalike.ts', {
      target,
      duration: '1s',
      generators: 1,
      out: mkdtempSync(join(tmpdir(), 'rtbench-wsown-')),
      stdout,
      stderr,
      dryRun,
    });
    return { exitCode: o.exitCode, file: o.file, stderr: stderr.text(), stdout: stdout.text() };
  } finally {
    delete process.env.RTBENCH_TEST_PROTOCOL;
  }
}

test("protocol: 'raw': frames shaped like the reference protocol reach request(), each timed", async () => {
  const app = await startApp();
  try {
    const { exitCode, file } = await runAgainst(`ws://127.0.0.1:${app.port}/app`, 'raw');
    const r = file!.runs[0]!;
    assert.deepEqual(r.errors, {});
    assert.equal(r.counters['sessions.started'], 3);
    assert.equal(app.pongs, 9);
    assert.equal(r.metrics['request:ping']!.count, 9, 'every pong answered its request');
    assert.equal(r.counters['messages.received'], 9);
    assert.equal(exitCode, 0);
  } finally {
    await app.close();
  }
});

test('the default reference protocol takes such frames as events: request() times out (what `raw` is for)', async () => {
  const app = await startApp();
  try {
    const { file } = await runAgainst(`ws://127.0.0.1:${app.port}/app`);
    const r = file!.runs[0]!;
    assert.equal(app.pongs, 3, 'one ping per client, then its request timed out');
    assert.equal(r.errors.request_timeout?.count, 3, JSON.stringify(r.errors));
    assert.equal(r.metrics['request:ping']?.count ?? 0, 0);
  } finally {
    await app.close();
  }
});

test('an external ws:// target without a path connects to / (as new WebSocket(url)), with a trailing / too; a path is used as given', async () => {
  const app = await startApp();
  try {
    for (const [target, path] of [
      [`ws://127.0.0.1:${app.port}`, '/'],
      [`ws://127.0.0.1:${app.port}/`, '/'],
      [`ws://127.0.0.1:${app.port}/custom/`, '/custom'],
    ] as const) {
      app.paths.length = 0;
      const { exitCode } = await runAgainst(target, 'raw');
      // the pre-run check's one upgrade (closed at once), then the 3 clients'
      assert.deepEqual(app.paths, [path, path, path, path], target);
      assert.equal(exitCode, 0, target);
      const dry = await runAgainst(target, 'raw', true);
      assert.match(
        dry.stdout + dry.stderr,
        new RegExp(`WebSocket +ws://127\\.0\\.0\\.1:${app.port}${path} \\(${path === '/' ? 'no path in --target: /' : 'path from --target'}\\)`),
        target,
      );
    }
  } finally {
    await app.close();
  }
});
