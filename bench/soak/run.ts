/**
 * `npm run bench:soak`: a 10-minute soak (RTBENCH_SOAK_MINUTES) at steady load against the
 * reference `cluster:2` topology, sampling every 10 s the resident memory of the generator
 * processes and of the server's processes (from /proc, children of this process only).
 * Leak check: the last minute's memory against the second minute's (after warm-up), and the
 * least-squares slope over the run. Writes bench/results/soak.json and prints a table.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { children, totalRssMb } from '../proc.ts';
import { run } from '../../src/run/run.ts';
import { startReferenceServer } from '../../reference-server/start.ts';

const MINUTES = Number(process.env.RTBENCH_SOAK_MINUTES ?? 10);
const sum = totalRssMb;

const server = await startReferenceServer({ topology: 'cluster:2' });
const samples: Array<{ t: number; generatorsMb: number; serverMb: number; clients: number }> = [];
let clients = 0;
const t0 = Date.now();
const timer = setInterval(() => {
  const serverPids = [server.pid, ...children(server.pid)];
  const gens = children(process.pid).filter((p) => p !== server.pid);
  samples.push({ t: Math.round((Date.now() - t0) / 1000), generatorsMb: +sum(gens).toFixed(1), serverMb: +sum(serverPids).toFixed(1), clients });
}, 10_000);
try {
  const outcome = await run('bench/soak/scenario.ts', {
    target: server.url,
    out: 'bench/results/soak-run',
    quiet: true,
    reporters: [{ name: 'clients', onTick: (t) => void (clients = t.connected) }],
  });
  const r = outcome.file.runs[0]!;
  const window = (from: number, to: number, k: 'generatorsMb' | 'serverMb'): number => {
    const xs = samples.filter((s) => s.t >= from && s.t < to).map((s) => s[k]);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  };
  const slope = (k: 'generatorsMb' | 'serverMb'): number => {
    const pts = samples.filter((s) => s.t >= 60);
    const mx = pts.reduce((a, s) => a + s.t, 0) / pts.length;
    const my = pts.reduce((a, s) => a + s[k], 0) / pts.length;
    const num = pts.reduce((a, s) => a + (s.t - mx) * (s[k] - my), 0);
    const den = pts.reduce((a, s) => a + (s.t - mx) ** 2, 0);
    return den ? (num / den) * 60 : NaN; // MB per minute
  };
  const end = MINUTES * 60;
  const report = {
    minutes: MINUTES,
    sessions: r.counters['sessions.started'] ?? 0,
    acks: r.metrics.ack?.count ?? 0,
    ackP99: r.metrics.ack?.p99 ?? null,
    errors: r.counters.errors ?? 0,
    generator: { secondMinuteMb: window(60, 120, 'generatorsMb'), lastMinuteMb: window(end - 60, end, 'generatorsMb'), slopeMbPerMin: slope('generatorsMb') },
    server: { secondMinuteMb: window(60, 120, 'serverMb'), lastMinuteMb: window(end - 60, end, 'serverMb'), slopeMbPerMin: slope('serverMb') },
    samples,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/soak.json', `${JSON.stringify(report, null, 2)}\n`);
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
  console.log(`soak ${MINUTES} min against cluster:2: ${report.sessions} sessions, ${report.acks} acks, ack p99 ${report.ackP99} ms, ${report.errors} errors`);
  console.log(
    `  generators RSS: minute 2 ${f(report.generator.secondMinuteMb)} MB, last minute ${f(report.generator.lastMinuteMb)} MB, slope ${f(report.generator.slopeMbPerMin)} MB/min`,
  );
  console.log(
    `  server RSS:     minute 2 ${f(report.server.secondMinuteMb)} MB, last minute ${f(report.server.lastMinuteMb)} MB, slope ${f(report.server.slopeMbPerMin)} MB/min`,
  );
  console.log('  written: bench/results/soak.json');
} finally {
  clearInterval(timer);
  await server.stop();
}
