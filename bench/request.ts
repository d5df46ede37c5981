/**
 * `client.request()` (raw frames, a `match` on each incoming message) against `emitWithAck` (the
 * engine's own ack table), on the same server: the reference app's raw WebSocket, `single`
 * topology. RTBENCH_REQ_CLIENTS clients each send one acked echo every RTBENCH_REQ_INTERVAL_MS ms,
 * RTBENCH_REQ_COUNT times (open loop), alternating the two ways on the same connection
 * (bench/request/scenario.ts), in RTBENCH_REQ_ROUNDS runs. The figure is request's p50 / p99 ÷
 * emitWithAck's in the same run, the median over runs. Goal: p50 ≤ 1.10, p99 ≤ 1.25.
 * Writes bench/results/request.json. About 30 s.
 *
 *   node --import tsx bench/request.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from '../reference-server/start.ts';
import type { Output } from '../src/run/reporter.ts';
import { run } from '../src/run/run.ts';
import { envInt, environment } from './env.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENTS = envInt('RTBENCH_REQ_CLIENTS', 20, 1, 1000);
const INTERVAL_MS = envInt('RTBENCH_REQ_INTERVAL_MS', 10, 1, 10_000);
const COUNT = envInt('RTBENCH_REQ_COUNT', 400, 10, 100_000);
const ROUNDS = envInt('RTBENCH_REQ_ROUNDS', 3, 1, 20);
const silent: Output = { write: () => {}, isTTY: false };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const loadBefore = os.loadavg();
const server = await startReferenceServer({ topology: 'single' });
type Dist = { p50: number; p90: number; p99: number; count: number };
const rounds: Array<{ emitWithAck: Dist; request: Dist; errors: number }> = [];
try {
  Object.assign(process.env, { RTBENCH_REQ_CLIENTS: String(CLIENTS), RTBENCH_REQ_INTERVAL_MS: String(INTERVAL_MS), RTBENCH_REQ_COUNT: String(COUNT) });
  for (let r = 0; r < ROUNDS; r++) {
    const out = mkdtempSync(join(os.tmpdir(), 'rtbench-req-'));
    try {
      const o = await run(join(here, 'request', 'scenario.ts'), {
        target: `${server.url}/ws`,
        generators: 1,
        quiet: true,
        out,
        stdout: silent,
        stderr: silent,
      });
      const res = o.file.runs[0]!;
      const a = res.metrics['ack:echo'];
      const q = res.metrics['request:echo'];
      if (!a || !q) throw new Error(`no latency recorded (errors: ${JSON.stringify(res.errors)})`);
      const pick = (m: typeof a): Dist => ({ p50: m.p50, p90: m.p90, p99: m.p99, count: m.count });
      const errors = Object.values(res.errors).reduce((n, e) => n + e.count, 0);
      rounds.push({ emitWithAck: pick(a), request: pick(q), errors });
      for (const [name, m] of [
        ['emitWithAck', a],
        ['request', q],
      ] as const) {
        process.stderr.write(`run ${r + 1} ${name.padEnd(11)} ${m.count} echoes, p50 ${m.p50.toFixed(2)} p90 ${m.p90.toFixed(2)} p99 ${m.p99.toFixed(2)} ms\n`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  await server.stop();
}
const ratio = (k: 'p50' | 'p90' | 'p99'): number => median(rounds.map((r) => r.request[k] / r.emitWithAck[k]));
const complete = rounds.every((r) => r.errors === 0 && r.emitWithAck.count + r.request.count === CLIENTS * COUNT);
const result = {
  date: new Date().toISOString(),
  command: 'node --import tsx bench/request.ts',
  environment: environment(loadBefore),
  config: { clients: CLIENTS, intervalMs: INTERVAL_MS, count: COUNT, rounds: ROUNDS },
  rounds,
  ratios: { p50: ratio('p50'), p90: ratio('p90'), p99: ratio('p99') },
  complete,
  goals: { p50: { value: ratio('p50'), met: complete && ratio('p50') <= 1.1 }, p99: { value: ratio('p99'), met: complete && ratio('p99') <= 1.25 } },
};
mkdirSync(join(here, 'results'), { recursive: true });
const outFile = join(here, 'results', 'request.json');
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `request ÷ emitWithAck (same runs, median of ${ROUNDS}): p50 ${result.ratios.p50.toFixed(2)}, p90 ${result.ratios.p90.toFixed(2)}, p99 ${result.ratios.p99.toFixed(2)}${complete ? '' : ' (INCOMPLETE: some echoes missing or failed)'}\nresults: ${outFile}\n`,
);
