/**
 * The socketcluster engine through the normal `run` pipeline (scenario → generator → result.json)
 * on `socketcluster:2`: clients dealt to both workers, channel calls acked and timed, publish
 * fan-out timed, and a worker SIGKILLed at 3 s whose clients reconnect and subscribe again; what
 * the survivors published meanwhile is counted as lost in the fault's window. One 9 s run
 * (test/fixtures/channels-fault.ts) serves every test here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { RunFile, RunResult } from '../../src/result/types.ts';
import { alive } from './helpers.ts';

let run: { r: RunResult; status: number | null; stdout: string };

before(() => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-channels-run-'));
  const p = spawnSync(process.execPath, ['bin/rtbench.js', 'run', 'test/fixtures/channels-fault.ts', '--out', out], { encoding: 'utf8', timeout: 150_000 });
  const path = join(out, 'result.json');
  assert.ok(existsSync(path), `no result.json; stderr: ${p.stderr}`);
  const file = JSON.parse(readFileSync(path, 'utf8')) as RunFile;
  assert.equal(file.runs.length, 1);
  run = { r: file.runs[0]!, status: p.status, stdout: p.stdout };
});

const theFault = (r: RunResult) => {
  assert.ok(r.faults, 'result has a fault section');
  assert.equal(r.faults.faults.length, 1);
  return r.faults.faults[0]!;
};

test('socketcluster:2 through `run`: both workers serve, channel calls acked and timed, publish fan-out timed, killed worker respawned, every client reconnected', () => {
  const { r, status, stdout } = run;
  assert.equal(status, 0, stdout);
  assert.equal(r.topology, 'socketcluster:2');
  assert.equal(r.engine, 'socketcluster');
  assert.equal(r.counters['sessions.started'], 10);
  assert.equal(r.counters['sessions.failed'] ?? 0, 0, stdout);

  // distribution: rr deals the 10 clients over both workers (the client-side welcome identities)
  const w = r.workers.connections;
  assert.deepEqual(Object.keys(w).sort(), ['socketcluster#0', 'socketcluster#1'], JSON.stringify(r.workers));
  assert.ok(w['socketcluster#0']! > 0 && w['socketcluster#1']! > 0, JSON.stringify(w));
  assert.equal(r.workers.unidentified, 0);
  assert.ok(r.server, "the workers' own counts are in the result");
  assert.deepEqual(r.server.workers.map((x) => x.id).sort(), ['socketcluster#0', 'socketcluster#1']);
  assert.ok((r.server.counters.respawns ?? 0) >= 1, JSON.stringify(r.server.counters));

  // channel calls: one timed subscribe per session (resubscribing after the reconnection is not timed), publishes acked
  assert.equal(r.metrics['ack:subscribe']?.count, 10);
  const published = r.metrics['ack:publish']?.count ?? 0;
  assert.ok(published > 10, `ack:publish ${published}`);
  // fan-out: each publish reaches every subscriber of the channel (10, fewer while some reconnect)
  const delivered = r.metrics.publish?.count ?? 0;
  assert.ok(delivered > 2 * published, `publish deliveries ${delivered} for ${published} publishes`);
  assert.equal(r.counters['publish.duplicates'] ?? 0, 0);

  // the kill: a new worker in its slot, every disconnected client reconnected
  const f = theFault(r);
  assert.equal(f.error, undefined);
  assert.equal(f.role, 'worker');
  assert.ok(f.pid && f.newPid && f.newPid !== f.pid, `a new worker replaced the killed one: ${f.pid} → ${f.newPid}`);
  assert.ok(f.replacedMs !== null && f.replacedMs > 0, `replaced in ${f.replacedMs}ms`);
  assert.ok(f.impact.disconnected > 0, "the killed worker's clients were disconnected");
  assert.equal(f.impact.recovered, f.impact.disconnected, 'every one reconnected');
  assert.equal(f.impact.recoveryFailed, 0);
  assert.equal(r.counters.recovered, r.counters.disconnects);
  assert.equal(f.impact.recovery?.count, f.impact.recovered);

  // nothing left running: the killed worker and the one that replaced it are gone with the run
  for (const pid of [f.pid!, f.newPid!, ...r.server.workers.map((x) => x.pid)]) assert.ok(!alive(pid), `pid ${pid} still alive after the run`);
});

test("channel messages lost while a worker was down are the fault window's `lost`, in result.json and the console", () => {
  const { r, stdout } = run;
  const f = theFault(r);
  const gaps = r.counters['publish.gaps'] ?? 0;
  // The killed worker's subscribers are away for at least 0.5 s (reconnect delay 1 s ± 50 %) while
  // the clients on the surviving worker publish every 200 ms: their next message after subscribing
  // again skips what was published meanwhile. The window's `lost` is those gaps (there are no
  // broadcasts or pushes here), so it cannot exceed the whole run's.
  console.error(
    `socketcluster kill: publish.gaps ${gaps}, window lost ${f.impact.lost}, disconnected ${f.impact.disconnected}, recovery p50 ${f.impact.recovery?.p50} ms`,
  );
  assert.ok(f.impact.lost > 0, `channel messages published during the outage are counted as lost (publish.gaps ${gaps})`);
  assert.ok(f.impact.lost <= gaps, `the window's lost ${f.impact.lost} are among the run's publish.gaps ${gaps}`);
  assert.match(stdout, new RegExp(`sequence: publish gaps ${gaps}, duplicates 0, out of order`));
  const row = stdout.split('\n').find((l) => /kill worker#1 @3s/.test(l) && /ms/.test(l));
  assert.ok(row, stdout);
  assert.match(row, new RegExp(`\\s${f.impact.lost}\\s+0\\s+0\\s`), `the console fault row shows lost ${f.impact.lost}, dup 0, ooo 0: ${row}`);
});
