import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { counterName, REQUEST_TIMEOUT_MS } from '../../src/outputs/prometheus.ts';
import { alive, memOutput } from './helpers.ts';

const PROMETHEUS = process.env.RTBENCH_PROMETHEUS ?? 'prometheus';
const started: ChildProcess[] = [];
const dirs: string[] = [];

after(async () => {
  for (const p of started) {
    if (p.pid && alive(p.pid)) {
      p.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      if (alive(p.pid)) p.kill('SIGKILL');
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startPrometheus(): Promise<{ base: string; proc: ChildProcess; log: () => string }> {
  const version = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, `${PROMETHEUS} is missing: scripts/setup-system.sh installs the Debian prometheus package`);
  const dir = mkdtempSync(join(tmpdir(), 'rtbench-prom-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let log = '';
    const proc = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    started.push(proc);
    proc.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)));
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 150 && proc.exitCode === null; i++) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) return { base, proc, log: () => log };
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    proc.kill('SIGKILL'); // the port was taken meanwhile, or it never got ready: try another
  }
  throw new Error('prometheus did not become ready on a loopback port in 3 attempts');
}

async function query(base: string, q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

test('--output prometheus=URL: a real Prometheus holds the same counts as result.json', { timeout: 120_000 }, async () => {
  const prom = await startPrometheus();
  const out = mkdtempSync(join(tmpdir(), 'rtbench-live-'));
  dirs.push(out);
  const stdout = memOutput();
  const stderr = memOutput();
  // some sessions fail on purpose: failures and errors travel too
  const outcome = await run('test/fixtures/some-fail.ts', { out, generators: 1, outputs: [`prometheus=${prom.base}/api/v1/write`], stdout, stderr });
  // the default gate fails the run on its failed sessions (exit 99); the load itself completed
  assert.equal(outcome.exitCode, 99, stderr.text());
  assert.equal(outcome.file.runs[0]!.status, 'completed');
  assert.doesNotMatch(stderr.text(), /prometheus output/, 'no warning about the output');
  assert.match(stdout.text(), /prometheus: \d+ samples in \d+ request\(s\)/);
  assert.doesNotMatch(stdout.text(), /DROPPED/);
  const r = outcome.file.runs[0]!;
  const runId = basename(out);
  const sel = `{run_id="${runId}",topology="${r.topology}"}`;
  for (const key of ['sessions.started', 'sessions.completed', 'sessions.failed', 'errors', 'messages.sent', 'messages.received']) {
    assert.ok((r.counters[key] ?? 0) > 0, `${key} counted in result.json`);
    const got = await query(prom.base, `${counterName(key)}${sel}`);
    assert.equal(got.length, 1, `${counterName(key)}: ${JSON.stringify(got)}\n${prom.log()}`);
    assert.equal(Number(got[0]!.value[1]), r.counters[key], key);
    assert.equal(got[0]!.metric.scenario, 'some fail');
  }
  for (const metric of ['ack', 'connect']) {
    const count = await query(prom.base, `rtbench_latency_seconds_count{run_id="${runId}",metric="${metric}"}`);
    assert.equal(Number(count[0]?.value[1]), r.metrics[metric]!.count, `${metric} histogram count`);
    const inf = await query(prom.base, `rtbench_latency_seconds_bucket{run_id="${runId}",metric="${metric}",le="+Inf"}`);
    assert.equal(Number(inf[0]?.value[1]), r.metrics[metric]!.count);
    // the buckets are cumulative and reach the count
    const buckets = (await query(prom.base, `rtbench_latency_seconds_bucket{run_id="${runId}",metric="${metric}"}`))
      .map((b) => [b.metric.le === '+Inf' ? Infinity : Number(b.metric.le), Number(b.value[1])] as const)
      .sort((a, b) => a[0] - b[0]);
    assert.ok(buckets.length >= 10);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]![1] >= buckets[i - 1]![1], `cumulative at le=${buckets[i]![0]}`);
  }
  // the series streamed while the run went: several points over time, not only the final one
  const range = await query(prom.base, `count_over_time(rtbench_sessions_started_total${sel}[10m])`);
  assert.ok(Number(range[0]?.value[1]) >= 3, `points of the counter: ${range[0]?.value[1]}`);
  const byKind = await query(prom.base, `rtbench_errors_by_kind_total${sel}`);
  assert.deepEqual(
    byKind.map((k) => [k.metric.kind, Number(k.value[1])]),
    Object.entries(r.errors).map(([k, e]) => [k, e.count]),
  );
  const finished = await query(prom.base, `rtbench_run_finished${sel}`);
  assert.equal(finished.length, 1);
  // the example Grafana dashboard's queries parse and find these series
  const dash = JSON.parse(readFileSync('examples/grafana/rtbench-dashboard.json', 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  const fill = (e: string): string => e.replace(/\$__rate_interval/g, '1m').replace(/\$(scenario|topology|run_id|metric)/g, '.*');
  for (const p of dash.panels) {
    for (const t of p.targets) {
      const got = await query(prom.base, fill(t.expr));
      assert.ok(got.length > 0, `dashboard panel "${p.title}": ${t.expr} found nothing`);
    }
  }
  const stat = dash.panels.find((p) => p.title === 'Sessions started')!;
  assert.equal(Number((await query(prom.base, fill(stat.targets[0]!.expr)))[0]!.value[1]), r.counters['sessions.started']);
});

test('--output json=FILE: one line a second, flushed, the final line equals result.json', { timeout: 60_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-jsonl-'));
  dirs.push(out);
  const file = join(out, 'live', 'metrics.jsonl');
  const outcome = await run('test/fixtures/tiny-echo.ts', {
    out,
    duration: '3s',
    generators: 1,
    outputs: [`json=${file}`],
    stdout: memOutput(),
    stderr: memOutput(),
  });
  assert.equal(outcome.exitCode, 0);
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { type: string; run_id: string; counters: Record<string, number>; latency: Record<string, { count: number }>; elapsedMs: number },
    );
  assert.ok(lines.length >= 3, `lines: ${lines.length}`);
  assert.ok(lines.slice(0, -1).every((l) => l.type === 'second'));
  const final = lines[lines.length - 1]!;
  const r = outcome.file.runs[0]!;
  assert.equal(final.type, 'final');
  assert.equal(final.run_id, basename(out));
  assert.deepEqual(final.counters, r.counters);
  assert.equal(final.latency.ack!.count, r.metrics.ack!.count);
  // cumulative: never decreasing
  for (let i = 1; i < lines.length; i++) assert.ok((lines[i]!.counters['sessions.started'] ?? 0) >= (lines[i - 1]!.counters['sessions.started'] ?? 0));
});

test('--output json=FILE is readable after the process is SIGKILLed mid-run', { timeout: 60_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-jsonl-kill-'));
  dirs.push(out);
  const file = join(out, 'live.jsonl');
  // its own process group: the coordinator and its generators are killed together, by the group's PID
  const child = spawn(
    process.execPath,
    ['bin/rtbench.js', 'run', 'test/fixtures/tiny-echo.ts', '--duration', '20s', '--generators', '1', '--quiet', '--out', out, '--output', `json=${file}`],
    { detached: true, stdio: 'ignore' },
  );
  started.push(child);
  const lines = (): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  for (let i = 0; i < 300 && lines().length < 3 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(lines().length >= 3, `lines before the kill: ${lines().length}`);
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const got = lines().map((l) => JSON.parse(l) as { type: string; counters: Record<string, number> });
  assert.ok(got.length >= 3);
  assert.ok(
    got.every((l) => l.type === 'second'),
    'no final line: it was killed',
  );
  assert.ok((got[got.length - 1]!.counters['sessions.started'] ?? 0) > 0, 'the last line before the kill has the counts so far');
  assert.ok(!existsSync(join(out, 'result.json')), 'killed before result.json');
});

test('an unreachable prometheus endpoint never stops the load: warned, and the drop is counted', { timeout: 60_000 }, async () => {
  const port = await freePort(); // nothing listens there
  const out = mkdtempSync(join(tmpdir(), 'rtbench-unreach-'));
  dirs.push(out);
  const stdout = memOutput();
  const stderr = memOutput();
  const outcome = await run('test/fixtures/tiny-echo.ts', {
    out,
    duration: '3s',
    generators: 1,
    outputs: [`prometheus=http://127.0.0.1:${port}/api/v1/write`],
    stdout,
    stderr,
  });
  assert.equal(outcome.exitCode, 0);
  const r = outcome.file.runs[0]!;
  assert.equal(r.status, 'completed');
  assert.equal(r.counters['sessions.completed'], r.counters['sessions.started'], 'every session ran to its end');
  assert.equal((stderr.text().match(/WARNING prometheus output/g) ?? []).length, 1, `warned once: ${stderr.text()}`);
  const m = /prometheus: 0 samples in 0 request\(s\) to \S+; DROPPED (\d+) samples/.exec(stdout.text());
  assert.ok(m && Number(m[1]) > 0, stdout.text());
  assert.ok(existsSync(join(out, 'result.json')));
});

test('--output refuses bad specs, naming each; a non-loopback URL is not refused (its parse is tested without a connection in test/unit/outputs.test.ts)', async () => {
  await assert.rejects(
    run('test/fixtures/tiny-echo.ts', {
      outputs: ['prometheus=ftp://127.0.0.1/w', 'influx=x', 'prometheus=http://127.0.0.1:1/w,header=nocolon'],
      stdout: memOutput(),
      stderr: memOutput(),
    }),
    (e: Error & { code?: string; details?: string[] }) => {
      assert.equal(e.code, 'E_OUTPUT');
      assert.equal(e.details?.length, 3, e.details?.join('\n'));
      assert.match(e.details![0]!, /must be http:\/\/ or https:\/\//);
      assert.match(e.details![1]!, /influx=/);
      assert.match(e.details![2]!, /is not Name:Value/);
      return true;
    },
  );
});

/** A loopback HTTP endpoint that answers 204 and keeps each request's headers. */
async function recordingEndpoint(): Promise<{ url: string; requests: http.IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(req.headers);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return { url: `127.0.0.1:${port}/api/v1/write`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

test('rtbench run --output prometheus=http://user:pass@…,header=…: Basic auth and headers reach the endpoint; the password is never printed', {
  timeout: 90_000,
}, async () => {
  const ep = await recordingEndpoint();
  const out = mkdtempSync(join(tmpdir(), 'rtbench-auth-'));
  dirs.push(out);
  try {
    const child = spawn(
      process.execPath,
      [
        'bin/rtbench.js',
        'run',
        'test/fixtures/tiny-echo.ts',
        '--duration',
        '2s',
        '--generators',
        '1',
        '--out',
        out,
        '--output',
        `prometheus=http://alice:s3cr%40t@${ep.url},header=X-Scope-OrgID:tenant1`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RTBENCH_PROMETHEUS_HEADERS: 'X-Team: load, X-Scope-OrgID: from-env' },
      },
    );
    started.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 0, stderr);
    assert.ok(ep.requests.length >= 1, 'the endpoint got the samples');
    for (const h of ep.requests) {
      assert.equal(h.authorization, `Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`);
      assert.equal(h['x-scope-orgid'], 'tenant1', 'the spec header wins over RTBENCH_PROMETHEUS_HEADERS');
      assert.equal(h['x-team'], 'load');
      assert.equal(h['content-encoding'], 'snappy');
    }
    // where the samples go is printed once, credentials left out
    assert.equal((stdout.match(/prometheus output: remote write to /g) ?? []).length, 1, stdout);
    assert.match(
      stdout,
      new RegExp(`prometheus output: remote write to http://${ep.url.replace(/[./]/g, '\\$&')} \\(Basic auth; headers X-Team, X-Scope-OrgID\\)`),
    );
    assert.match(stdout, /prometheus: \d+ samples in [1-9]\d* request\(s\)/);
    for (const text of [stdout, stderr, ...readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'))]) assert.doesNotMatch(text, /s3cr|alice|tenant1/);
  } finally {
    await ep.close();
  }
});

test('a prometheus endpoint that accepts connections and never answers: the run ends within one request timeout, warns once, counts the drop', {
  timeout: 90_000,
}, async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((s) => {
    sockets.add(s);
    s.resume(); // read the request, never answer
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const { port } = silent.address() as net.AddressInfo;
  const stdout = memOutput();
  const stderr = memOutput();
  let runEndAt = 0;
  try {
    const outcome = await run('test/fixtures/tiny-echo.ts', {
      duration: '3s',
      generators: 1,
      outputs: [`prometheus=http://127.0.0.1:${port}/api/v1/write`],
      stdout,
      stderr,
      reporters: [{ name: 'clock', onRunEnd: () => void (runEndAt = Date.now()) }],
    });
    const held = Date.now() - runEndAt;
    assert.equal(outcome.exitCode, 0);
    const r = outcome.file.runs[0]!;
    assert.equal(r.status, 'completed');
    assert.equal(r.counters['sessions.completed'], r.counters['sessions.started'], 'every session ran to its end');
    assert.ok(sockets.size >= 1, 'rtbench connected and sent');
    // the request in flight at the end times out (REQUEST_TIMEOUT_MS) and is not retried: well under the flush deadline
    assert.ok(held < REQUEST_TIMEOUT_MS + 4000, `the end held the run ${held} ms: ${stderr.text()} ${stdout.text()}`);
    assert.equal((stderr.text().match(/WARNING prometheus output/g) ?? []).length, 1, stderr.text());
    assert.match(stderr.text(), /no answer within/);
    const m = /prometheus: 0 samples in 0 request\(s\) to \S+; DROPPED (\d+) samples/.exec(stdout.text());
    assert.ok(m && Number(m[1]) > 0, stdout.text());
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});
