/**
 * `rtbench ab` builds each side's combined result with the one builder from all its rounds
 * (like `--repeat`), not from round 1 with the others' figures pasted on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Server } from 'socket.io';
import { runAb } from '../../src/cli/ab.ts';
import { parseTolerances } from '../../src/compare/compare.ts';
import { memOutput } from './helpers.ts';

/** A Socket.IO echo server on loopback that names its worker `worker()` at each connection. */
async function echoServer(worker: () => string): Promise<{ url: string; close: () => Promise<void> }> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { transports: ['websocket'] });
  io.on('connection', (socket) => {
    socket.emit('welcome', { worker: { id: worker(), index: 0, pid: process.pid, node: 'test' } });
    socket.on('echo', (x: unknown, ack?: (v: unknown) => void) => ack?.(x));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => io.close(() => resolve())) };
}

test("ab: a worker seen only in a later round of A is in A's combined result (workers, time series, rounds from every round)", async () => {
  // A's server answers as worker `early` until A's first round has ended, then as `late`
  let roundsOfA = 0;
  const a = await echoServer(() => (roundsOfA === 0 ? 'early' : 'late'));
  const b = await echoServer(() => 'b');
  const stdout = memOutput();
  const watch = {
    write: (t: string) => {
      if (/round \d+\/\d+ A:/.test(t)) roundsOfA++;
      stdout.write(t);
    },
    isTTY: false,
  };
  const out = mkdtempSync(join(tmpdir(), 'rtbench-ab-rounds-'));
  const report = join(out, 'ab.html');
  try {
    const ab = await runAb('test/fixtures/tiny-echo.ts', {
      rounds: 3,
      duration: '1s',
      generators: 1,
      tolerances: parseTolerances('p50=+50%'),
      targetA: a.url,
      targetB: b.url,
      out,
      report,
      stdout: watch,
      stderr: memOutput(),
    });
    assert.ok(ab.rows.length > 0, stdout.text());
    assert.equal(roundsOfA, 3);
    // the report embeds both sides' combined results
    const html = readFileSync(report, 'utf8');
    assert.match(html, /data-run="A · [^"]+"/);
    assert.match(html, /\blate\b/, 'the worker of the later rounds is in the report');
    const json = JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')) as { a: unknown[]; b: unknown[] };
    assert.equal(json.a.length, 3);
    assert.equal(json.b.length, 3);
    const sides = ab.sides;
    const runA = sides.a.runs[0]!;
    assert.deepEqual(Object.keys(runA.workers.connections).sort(), ['early', 'late'], JSON.stringify(runA.workers));
    assert.ok(runA.workers.connections.late! > runA.workers.connections.early!, 'two of three rounds reached `late`');
    assert.deepEqual(Object.keys(sides.b.runs[0]!.workers.connections), ['b']);
    assert.equal(runA.rounds?.length, 3);
    // the time series covers every round, placed end to end (each round lasts ~1 s, plus its drain)
    assert.ok(runA.timeseries.length >= 3, `time series of ${runA.timeseries.length} s`);
    const sessions = runA.counters['sessions.started'] ?? 0;
    assert.ok(sessions >= 3 * 5, `sessions of all 3 rounds counted (got ${sessions})`);
    // every round's generator processes are in the saturation verdict
    assert.equal(runA.generator.processes.length, 3);
    // the result file records the thresholds as written, not the parsed list the plan used
    const options = sides.a.scenario.options as Record<string, unknown>;
    assert.ok('thresholds' in options && !('parsedThresholds' in options), Object.keys(options).join(', '));
  } finally {
    await a.close();
    await b.close();
  }
});
