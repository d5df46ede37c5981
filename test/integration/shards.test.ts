import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHistogram, decode } from '../../src/metrics/histogram.ts';
import type { RunFile } from '../../src/result/types.ts';
import { RESULT_LINE_MARK } from '../../src/shard/result-line.ts';
import { startReferenceServer } from '../../reference-server/start.ts';
import { alive } from './helpers.ts';

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawn `node bin/rtbench.js ...args`; bounded by `timeoutMs` (then SIGKILL by PID). */
function rtbench(args: string[], started: ChildProcess[], timeoutMs = 120_000, input?: string): Promise<Done> {
  const env = { ...process.env };
  const child = spawn(process.execPath, ['bin/rtbench.js', ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env });
  if (input !== undefined) child.stdin!.end(input);
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const PERCENTILES = [50, 90, 99, 99.9, 100];

test('3 shard processes against one reference server merge losslessly; thresholds run on the merge (exit 99)', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtbench-shards-'));
  const started: ChildProcess[] = [];
  const server = await startReferenceServer({ topology: 'single' });
  try {
    // the shards must all still be loading when the start time comes: 3 processes booting tsx on 2 cores take a while
    const startAt = new Date(Math.ceil((Date.now() + 20_000) / 1000) * 1000);
    const shards = await Promise.all(
      [0, 1, 2].map((i) =>
        rtbench(
          [
            'run',
            'test/fixtures/shard-echo.ts',
            '--target',
            server.url,
            '--shard',
            `${i}/3`,
            '--start-at',
            startAt.toISOString(),
            '--generators',
            '1',
            '--quiet',
            '--print-result-line',
            '--out',
            join(dir, `shard-${i}`),
          ],
          started,
        ),
      ),
    );
    const files: RunFile[] = [];
    shards.forEach((s, i) => {
      assert.equal(s.code, 0, `shard ${i} exit ${s.code}: ${s.stderr}`);
      const lines = s.stdout.trim().split('\n');
      assert.ok(lines[lines.length - 1]!.startsWith(RESULT_LINE_MARK), `shard ${i}: the last line is the result line`);
      files.push(JSON.parse(readFileSync(join(dir, `shard-${i}`, 'result.json'), 'utf8')) as RunFile);
    });
    for (const [i, f] of files.entries()) {
      const r = f.runs[0]!;
      assert.deepEqual([f.shard!.index, f.shard!.count], [i, 3]);
      assert.equal(r.status, 'completed');
      assert.deepEqual(r.errors, {}, `shard ${i} errors`); // also: the server saw each client's own source address
      assert.equal(r.counters['sessions.started'], 10, 'arrival k goes to shard k mod 3: 30 arrivals, 10 each');
      assert.equal(r.thresholds.length, 0, 'a shard evaluates no thresholds on its slice');
      assert.ok(r.seconds && r.seconds.length >= 2, 'a shard keeps its per-second records');
      // --start-at: the load began at the agreed time (not before; after only if loading took longer)
      const began = Date.parse(f.shard!.startedAt);
      assert.ok(began >= startAt.getTime() - 5, `shard ${i} began ${began - startAt.getTime()} ms from --start-at`);
      // on one host the reference clock is our own: the offset is within its uncertainty (+1 ms: Date.now resolution)
      const clock = f.shard!.clock!;
      assert.equal(clock.method, 'rtbench-time');
      assert.ok(clock.uncertaintyMs! < 50, `uncertainty ${clock.uncertaintyMs}`);
      assert.ok(Math.abs(clock.monoOffsetMs) <= clock.uncertaintyMs! + 0.01, `mono offset ${clock.monoOffsetMs} ± ${clock.uncertaintyMs}`);
      assert.ok(Math.abs(clock.offsetMs) <= clock.uncertaintyMs! + 1.01, `wall offset ${clock.offsetMs} ± ${clock.uncertaintyMs}`);
    }

    const mergedDir = join(dir, 'merged');
    const merge = await rtbench(['merge', ...files.map((_, i) => join(dir, `shard-${i}`, 'result.json')), '--out', mergedDir], started);
    assert.equal(merge.code, 99, `merge: a threshold fails on the merged result\n${merge.stdout}\n${merge.stderr}`);
    assert.match(merge.stdout, /merged 3 shards/);
    assert.match(merge.stdout, /fan-out latency \(broadcast, push\): ± 0 ms/);
    const merged = JSON.parse(readFileSync(join(mergedDir, 'result.json'), 'utf8')) as RunFile;
    readFileSync(join(mergedDir, 'report.html'), 'utf8');
    const m = merged.runs[0]!;
    // counters: the sum of the shards'
    const keys = new Set(files.flatMap((f) => Object.keys(f.runs[0]!.counters)));
    for (const k of keys)
      assert.equal(
        m.counters[k],
        files.reduce((a, f) => a + (f.runs[0]!.counters[k] ?? 0), 0),
        `counter ${k}`,
      );
    assert.equal(m.counters['sessions.started'], 30);
    assert.equal(
      m.timeseries.reduce((a, p) => a + p.sessionsStarted, 0),
      30,
      'the time series holds every session',
    );
    assert.equal(
      m.timeseries.reduce((a, p) => a + p.messagesSent, 0),
      m.counters['messages.sent'],
    );
    assert.deepEqual(m.workers.connections, { 'single#0': 30 });
    // histograms: the merge equals adding the shards' decoded histograms here, exactly
    for (const name of ['ack:echo', 'connect', 'session', 'broadcast']) {
      const h = createHistogram();
      for (const f of files) if (f.runs[0]!.metrics[name]) h.add(decode(f.runs[0]!.metrics[name]!.hdr));
      const got = decode(m.metrics[name]!.hdr);
      assert.ok(h.totalCount > 0, `${name} was measured`);
      assert.equal(got.totalCount, h.totalCount, `${name} count`);
      assert.equal(m.metrics[name]!.count, h.totalCount);
      for (const p of PERCENTILES) assert.equal(got.getValueAtPercentile(p), h.getValueAtPercentile(p), `${name} p${p}`);
      // a percentile never exceeds the recorded max (the shards' own maxes, as recorded, in µs)
      const recordedMax = Math.max(...files.map((f) => Math.round((f.runs[0]!.metrics[name]?.max ?? 0) * 1000)));
      assert.equal(m.metrics[name]!.max, recordedMax / 1000, `${name} max is the largest shard max`);
      assert.equal(m.metrics[name]!.p99, Math.round(Math.min(h.getValueAtPercentile(99), recordedMax)) / 1000, `${name} p99 is the p99 of the union`);
    }
    assert.equal(m.metrics['ack:echo']!.count, 150);
    // thresholds on the merge: the count gate passes only there (each shard has 50), the impossible one fails
    assert.deepEqual(
      m.thresholds.map((t) => [t.subject, t.ok]),
      [
        ['connect.p99', false],
        ['sessions.failedRate', true], // the default gate, evaluated on the merge like the rest
        ['ack:echo.count', true],
      ],
    );
    assert.equal(merged.merged!.shards.length, 3);
    // every shard is on the target's host: one monotonic clock, so fan-out needs no correction
    for (const f of files) assert.equal(f.shard!.clock!.sameHost, true);
    assert.equal(merged.merged!.fanoutUncertaintyMs, 0);

    // the same from pod-style logs: prefixed lines, the result line last
    const logs = shards
      .map((s, i) =>
        s.stdout
          .trim()
          .split('\n')
          .map((l) => `[pod/shard-echo-${i}/rtbench] ${l}`)
          .join('\n'),
      )
      .join('\n');
    writeFileSync(join(dir, 'pods.log'), `${logs}\n`);
    const collected = await rtbench(['collect', join(dir, 'pods.log'), '--out', join(dir, 'collected'), '--quiet'], started);
    assert.equal(collected.code, 99, collected.stderr);
    const c = JSON.parse(readFileSync(join(dir, 'collected', 'result.json'), 'utf8')) as RunFile;
    assert.deepEqual(c.runs[0]!.metrics, m.metrics);
    assert.deepEqual(c.runs[0]!.counters, m.counters);
    for (let i = 0; i < 3; i++) readFileSync(join(dir, 'collected', 'shards', `shard-${i}-of-3.json`), 'utf8');
    const piped = await rtbench(['collect', '-', '--out', join(dir, 'piped'), '--quiet'], started, 60_000, `${logs}\n`);
    assert.equal(piped.code, 99, piped.stderr);
    assert.deepEqual((JSON.parse(readFileSync(join(dir, 'piped', 'result.json'), 'utf8')) as RunFile).runs[0]!.metrics, m.metrics);

    // a missing shard is refused, naming it
    const partial = await rtbench(['merge', join(dir, 'shard-0', 'result.json'), join(dir, 'shard-2', 'result.json'), '--out', join(dir, 'partial')], started);
    assert.equal(partial.code, 2);
    assert.match(partial.stderr, /shard 1\/3 missing.*\[E_SHARD_MERGE\]/);
  } finally {
    for (const c of started) if (c.pid && c.exitCode === null && c.signalCode === null && alive(c.pid)) c.kill('SIGKILL');
    await server.stop();
    for (const c of started) if (c.pid) assert.ok(!alive(c.pid) || c.exitCode !== null, `pid ${c.pid} still running`);
  }
});

test('--start-at in the past is refused before any load; a shard of a remote target needs no extra flag', async () => {
  const started: ChildProcess[] = [];
  try {
    const past = await rtbench(
      ['run', 'test/fixtures/shard-echo.ts', '--target', 'http://127.0.0.1:9', '--shard', '0/2', '--start-at', new Date(Date.now() - 60_000).toISOString()],
      started,
      30_000,
    );
    assert.equal(past.code, 2);
    assert.match(past.stderr, /`--start-at` .* in the past \[E_START_AT\]/);
    const ahead = await rtbench(['run', 'test/fixtures/shard-echo.ts', '--start-at', new Date(Date.now() + 2 * 3600_000).toISOString()], started, 30_000);
    assert.equal(ahead.code, 2);
    assert.match(ahead.stderr, /`--start-at` .* more than the 60 min allowed \[E_START_AT\]/);
    // a remote target is planned like any other (--dry-run: nothing is connected, no clock is estimated)
    const remote = await rtbench(['run', 'test/fixtures/shard-echo.ts', '--target', 'http://192.0.2.1:3000', '--shard', '0/2', '--dry-run'], started, 30_000);
    assert.equal(remote.code, 0, remote.stderr);
    assert.match(remote.stdout, /target +http:\/\/192\.0\.2\.1:3000 → 192\.0\.2\.1:3000 \(remote\)/);
    assert.match(remote.stderr, /resolves to 192\.0\.2\.1:3000 \(not loopback/);
    // the flag that once allowed it is gone
    const old = await rtbench(
      ['run', 'test/fixtures/shard-echo.ts', '--target', 'http://192.0.2.1:3000', '--allow-remote-target', '--dry-run'],
      started,
      30_000,
    );
    assert.equal(old.code, 2);
  } finally {
    for (const c of started) if (c.pid && c.exitCode === null && alive(c.pid)) c.kill('SIGKILL');
  }
});
