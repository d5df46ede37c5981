/**
 * The 100k-connection benchmark: the reference `cluster` topology (RTBENCH_HOLD_WORKERS workers,
 * default 7: ~14,300 each on average; with the `none` policy the kernel's spread is uneven, so a
 * worker that reaches its connection cap — 95% of its 20,000-file limit — stops accepting and the
 * kernel gives new connections to the others (reference-server/cluster/accept-gate.ts); 12 workers
 * cost more CPU than this 2-core box has) and bench/hold-100k/scenario.ts driving it
 * (rtbench sizes generators and source addresses from `peakClients`). Every 5 s it samples the
 * resident memory of the server's processes and of the generators (/proc, children of this
 * process only). Figures: peak connected, seconds held at the full count, unexplained drops,
 * ramp rate reached, memory per connection on both sides. Writes bench/results/hold-100k.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { children, totalRssMb, tree } from '../proc.ts';
import { run } from '../../src/run/run.ts';
import { startReferenceServer } from '../../reference-server/start.ts';
import { jsonReporter } from '../../src/reporters/json.ts';

const CONNS = Number(process.env.RTBENCH_HOLD_CONNS ?? 100_000);
const WORKERS = Number(process.env.RTBENCH_HOLD_WORKERS ?? 7);
const HOLD_S = Number(process.env.RTBENCH_HOLD_FOR_S ?? 60);
/** `rr` deals every connection through the primary (one IPC handle pass each); `none` lets the kernel spread them. */
const POLICY = process.env.RTBENCH_HOLD_POLICY ?? 'none';
/** Engine.IO heartbeat of the server, ms (socket.io's default is 25,000 / 20,000). */
const PING_INTERVAL = Number(process.env.RTBENCH_HOLD_PING_INTERVAL_MS ?? 60_000);
const PING_TIMEOUT = Number(process.env.RTBENCH_HOLD_PING_TIMEOUT_MS ?? 60_000);

const total = totalRssMb;

const server = await startReferenceServer({ topology: `cluster:${WORKERS}:${POLICY}`, pingIntervalMs: PING_INTERVAL, pingTimeoutMs: PING_TIMEOUT });
const samples: Array<{ t: number; connected: number; serverMb: number; generatorsMb: number }> = [];
let connected = 0;
const t0 = Date.now();
const sample = (): void => {
  const gens = children(process.pid).filter((p) => p !== server.pid);
  samples.push({ t: Math.round((Date.now() - t0) / 1000), connected, serverMb: +total(tree(server.pid)).toFixed(1), generatorsMb: +total(gens).toFixed(1) });
};
sample();
const timer = setInterval(sample, 5000);
try {
  const outcome = await run('bench/hold-100k/scenario.ts', {
    target: server.url,
    out: 'bench/results/hold-100k-run',
    quiet: true,
    reporters: [{ name: 'gauge', onTick: (t) => void (connected = t.connected) }, jsonReporter()],
    stderr: { write: (s) => void process.stderr.write(s), isTTY: false },
  });
  const r = outcome.file.runs[0]!;
  const serverStats = await server.stats();
  const ts = r.timeseries;
  const peak = Math.max(0, ...ts.map((p) => p.connected));
  const heldSeconds = ts.filter((p) => p.connected >= CONNS).length;
  const rates = ts.map((p) => p.sessionsStarted);
  const rampEnd = ts.findIndex((p) => p.connected >= CONNS);
  const idle = samples[0]!;
  const avg = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  // memory at the plateau (the full count, or 95% of the peak when the full count was not reached)
  const plateau = samples.filter((s) => s.connected >= Math.min(CONNS, peak * 0.95));
  const plateauConns = avg(plateau.map((s) => s.connected));
  const serverKb = ((avg(plateau.map((s) => s.serverMb)) - idle.serverMb) * 1024) / plateauConns;
  // generators before their first client: the first sample once all of them run (RSS of an idle generator)
  const genIdle = samples.find((s) => s.generatorsMb > 300 && s.connected === 0)?.generatorsMb ?? samples.find((s) => s.generatorsMb > 0)?.generatorsMb ?? 0;
  const genKb = ((avg(plateau.map((s) => s.generatorsMb)) - genIdle) * 1024) / plateauConns;
  const c = r.counters;
  const report = {
    date: new Date().toISOString(),
    connections: CONNS,
    workers: WORKERS,
    policy: POLICY,
    heartbeatMs: { interval: PING_INTERVAL, timeout: PING_TIMEOUT },
    engine: r.engine,
    generators: r.generator.processes.length,
    status: r.status,
    peakConnected: peak,
    heldSecondsAtFullCount: heldSeconds,
    goalHeldSeconds: HOLD_S,
    unexplainedDrops: (c.disconnects ?? 0) + (c['sessions.failed'] ?? 0),
    errors: r.errors,
    connectP99Ms: r.metrics.connect?.p99 ?? null,
    rampPerSecond: { max: Math.max(0, ...rates), mean: rampEnd > 0 ? Math.round(CONNS / rampEnd) : null, secondsToFull: rampEnd },
    memoryPerConnectionKb: { server: +serverKb.toFixed(2), generators: +genKb.toFixed(2) },
    saturation: r.generator.saturation,
    workerDistribution: r.workers.connections,
    serverCounters: serverStats.counters,
    serverWorkers: serverStats.workers,
    serverOutputTail: server.output().split('\n').slice(-20),
    samples,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/hold-100k.json', `${JSON.stringify(report, null, 2)}\n`);
  const ok = peak >= CONNS && heldSeconds >= HOLD_S && report.unexplainedDrops === 0;
  console.log(
    `hold ${CONNS} connections on cluster:${WORKERS}:${POLICY}, heartbeat ${PING_INTERVAL}/${PING_TIMEOUT} ms (${report.engine}, ${report.generators} generators): ${ok ? 'PASS' : 'MISS'}`,
  );
  console.log(
    `  peak connected ${peak}; held at full count ${heldSeconds} s (goal ≥ ${HOLD_S} s); unexplained drops ${report.unexplainedDrops} (goal 0); errors ${JSON.stringify(r.errors)}`,
  );
  console.log(
    `  ramp: ${report.rampPerSecond.mean ?? '-'} connections/s on average to full (${rampEnd} s), max ${report.rampPerSecond.max}/s; connect p99 ${report.connectP99Ms} ms`,
  );
  console.log(`  memory per connection: server ${report.memoryPerConnectionKb.server} KB, generators ${report.memoryPerConnectionKb.generators} KB (RSS)`);
  console.log(`  server: ${JSON.stringify(serverStats.counters)}; workers now ${serverStats.workers.map((w) => `${w.id} ${w.current}`).join(', ')}`);
  if (!ok) console.log(`  server output (last lines):\n${server.output().split('\n').slice(-10).join('\n')}`);
  console.log('  written: bench/results/hold-100k.json');
  process.exitCode = ok ? 0 : 1;
} finally {
  clearInterval(timer);
  await server.stop();
}
