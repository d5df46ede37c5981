/**
 * Harness overhead: does rtbench report the server's ack latency, or add its own? At
 * RTBENCH_OH_RATES acked emits per second (default 200, 2,000 and 10,000: rate/10 clients, one
 * acked `echo` each every 100 ms, open loop, RTBENCH_OH_SECONDS s), against the fastest server
 * this benchmark can write (bench/overhead/fast-server.mjs: a plain socket.io echo server, its own
 * process; RTBENCH_OH_SERVER=single: the reference server's `single` topology instead, whose own
 * 1.3–2 ms dilutes the harness's share), interleaved in RTBENCH_OH_ROUNDS rounds (the order
 * rotating, so each client takes each place in a round equally often over a multiple of the
 * variant count). Engine `ws` too at RTBENCH_OH_WS_RATES (default 2,000; empty: none), against a
 * plain `ws` echo server, rtbench's `client.request()` against a plain `ws` client:
 *
 *  - the minimal client (bench/overhead/minimal.ts): plain socket.io-client (or `ws`) in its own
 *    process, timed by rtbench's rule (ack time − scheduled send time), exact percentiles;
 *  - the same minimal client again (the A/A pair: the noise floor of the ratio in this run);
 *  - rtbench with its default generator count (`run()`, as `rtbench run --target`);
 *  - with RTBENCH_OH_TWO_GENERATORS=1, also rtbench with 2 generators (one per core here, the
 *    default before it was sized from the load): what processes competing for the cores cost.
 *
 * Goal (issue 19): rtbench's ack p50 within +50 µs, p90 within +10%, p99 within +15% (or +200 µs)
 * of the minimal client's, as ratios of medians over rounds with bootstrap 95% intervals; the
 * verdict rule is in bench/overhead/verdict.ts. Each rtbench run also gives its own harness delay
 * (`runs[0].generator.harnessDelay`), stored beside its latencies. Writes bench/results/overhead.json; exits 1 when
 * a goal is not met (an inconclusive goal is not a failure of the run).
 *
 *   node --import tsx bench/overhead.ts
 *   RTBENCH_OH_RATES=200,2000,10000 RTBENCH_OH_WS_RATES=2000 RTBENCH_OH_SECONDS=6 RTBENCH_OH_ROUNDS=6 RTBENCH_OH_LEAD_MS=5000 RTBENCH_OH_SERVER=fast
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/run/run.ts';
import type { Output } from '../src/run/reporter.ts';
import { startReferenceServer, type ServerHandle } from '../reference-server/index.ts';
import { envInt, environment } from './env.ts';
import { median } from '../src/compare/stats.ts';
import { PERCENTILES, fmtRatio, overall, verdicts, type Pct } from './overhead/verdict.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rates = (name: string, def: string): number[] => {
  const xs = (process.env[name] ?? def)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(Number);
  for (const r of xs)
    if (!Number.isInteger(r) || r < 10 || r > 20_000 || r % 10 !== 0) throw new Error(`${name}: ${r} must be a multiple of 10 from 10 to 20000`);
  return xs;
};
const RATES = rates('RTBENCH_OH_RATES', '200,2000,10000');
const WS_RATES = rates('RTBENCH_OH_WS_RATES', '2000');
type Engine = 'socket.io' | 'ws';
const CASES: Array<{ engine: Engine; rate: number }> = [
  ...RATES.map((rate) => ({ engine: 'socket.io' as const, rate })),
  ...WS_RATES.map((rate) => ({ engine: 'ws' as const, rate })),
];
const SERVER = process.env.RTBENCH_OH_SERVER ?? 'fast';
if (SERVER !== 'fast' && SERVER !== 'single') throw new Error(`RTBENCH_OH_SERVER must be fast or single (got ${SERVER})`);
const SECONDS = envInt('RTBENCH_OH_SECONDS', 6, 3, 120);
const ROUNDS = envInt('RTBENCH_OH_ROUNDS', 6, 2, 30);
const TWO_GENERATORS = envInt('RTBENCH_OH_TWO_GENERATORS', 0, 0, 1) === 1;
/** Time for a client (rtbench: its generator's start-up too) to connect before the schedule starts. */
const LEAD_MS = envInt('RTBENCH_OH_LEAD_MS', 5000, 1000, 60_000);
const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;
const INTERVAL_MS = 100;
const COUNT = (SECONDS * 1000) / INTERVAL_MS;
const silent: Output = { write: () => {}, isTTY: false };

type Variant = 'minimal' | 'minimal-again' | 'rtbench' | 'rtbench-2-generators';
const VARIANTS: Variant[] = ['minimal', 'rtbench', 'minimal-again', ...(TWO_GENERATORS ? (['rtbench-2-generators'] as const) : [])];
interface Sample {
  p50: number;
  p90: number;
  p99: number;
  count: number;
  generators?: number;
  saturation?: string;
  sentinelLoopP99?: number | null;
  generatorLoopP99?: number | null;
  generatorCpuMean?: number | null;
  /** Client CPU (user + system) per ack, µs: the minimal client's process; rtbench's generators over the run. */
  cpuUsPerAck?: number | null;
  /** the host's 1-minute load average when this run ended */
  load1?: number;
  /** rtbench only: its own delay per operation (result `generator.harnessDelay`), ms */
  harnessDelay?: { p50: number; p90: number; p99: number; max: number } | null;
}

/** The fast echo server of `engine`, in its own process (plain JavaScript: no loader in its CPU). */
async function fastServer(engine: Engine): Promise<ServerHandle> {
  const child = spawn(process.execPath, [join(here, 'overhead', 'fast-server.mjs'), engine], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`fast ${engine} server exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  } as ServerHandle;
}

function minimal(url: string, clients: number, engine: Engine): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'overhead', 'minimal.ts'), url, String(clients), String(INTERVAL_MS), String(COUNT), String(monoMs() + LEAD_MS), engine],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000 + LEAD_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`minimal client exited ${code}`));
      const r = JSON.parse(out.trim()) as { count: number; p50: number; p90: number; p99: number; cpuUsPerAck: number };
      resolve({ count: r.count, p50: r.p50, p90: r.p90, p99: r.p99, cpuUsPerAck: r.cpuUsPerAck });
    });
  });
}

async function rtbench(url: string, clients: number, engine: Engine, generators?: number): Promise<Sample> {
  Object.assign(process.env, {
    RTBENCH_OH_CLIENTS: String(clients),
    RTBENCH_OH_INTERVAL_MS: String(INTERVAL_MS),
    RTBENCH_OH_COUNT: String(COUNT),
    RTBENCH_OH_T0: String(monoMs() + LEAD_MS),
    RTBENCH_OH_ENGINE: engine,
  });
  const out = mkdtempSync(join(os.tmpdir(), 'rtbench-oh-'));
  try {
    const outcome = await run(join(here, 'overhead', 'scenario.ts'), {
      target: url,
      quiet: true,
      out,
      ...(generators ? { generators } : {}),
      stdout: silent,
      stderr: { write: (t) => void process.stderr.write(t), isTTY: false },
    });
    const r = outcome.file.runs[0]!;
    const metric = engine === 'ws' ? 'request:echo' : 'ack:echo';
    const ack = r.metrics[metric];
    if (!ack) throw new Error(`rtbench recorded no ${metric} (status ${r.status})`);
    const g = r.generator.processes;
    const late = r.counters.late_start ?? 0;
    if (late > 0) throw new Error(`rtbench: ${late} of ${clients} clients connected after the schedule's start: raise RTBENCH_OH_LEAD_MS`);
    return {
      count: ack.count,
      p50: ack.p50,
      p90: ack.p90,
      p99: ack.p99,
      generators: g.length,
      saturation: r.generator.saturation.verdict ?? 'ok',
      sentinelLoopP99: r.generator.saturation.sentinel?.loopDelayP99 ?? null,
      generatorLoopP99: g.length ? Math.max(...g.map((x) => x.loopDelayP99)) : null,
      generatorCpuMean: g.length ? g.reduce((a, x) => a + x.cpuMean, 0) : null,
      // cpuMean is percent of one core over the run's seconds (start-up and lead included)
      cpuUsPerAck: g.length ? ((g.reduce((a, x) => a + x.cpuMean, 0) / 100) * r.durationMs * 1000) / ack.count : null,
      harnessDelay: harnessOf(r.generator),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The run's harness delay, when this rtbench reports one. */
function harnessOf(g: unknown): Sample['harnessDelay'] {
  const h = (g as { harnessDelay?: { p50: number; p90: number; p99: number; max: number } }).harnessDelay;
  return h ? { p50: h.p50, p90: h.p90, p99: h.p99, max: h.max } : null;
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const started = performance.now();
  const perRate = [];
  for (const { engine, rate } of CASES) {
    const clients = rate / (1000 / INTERVAL_MS);
    const server: ServerHandle = SERVER === 'fast' || engine === 'ws' ? await fastServer(engine) : await startReferenceServer({ topology: 'single' });
    const samples = Object.fromEntries(VARIANTS.map((v) => [v, [] as Sample[]])) as Partial<Record<Variant, Sample[]>>;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
        for (const v of order) {
          const s =
            v === 'minimal' || v === 'minimal-again'
              ? await minimal(server.url, clients, engine)
              : await rtbench(server.url, clients, engine, v === 'rtbench-2-generators' ? 2 : undefined);
          s.load1 = os.loadavg()[0]!;
          samples[v]!.push(s);
          const hd = s.harnessDelay
            ? `, harness delay p50 ${s.harnessDelay.p50.toFixed(3)} p99 ${s.harnessDelay.p99.toFixed(3)} max ${s.harnessDelay.max.toFixed(1)} ms`
            : '';
          process.stderr.write(
            `overhead: ${engine} ${rate}/s round ${round + 1}/${ROUNDS} ${v}: p50 ${s.p50.toFixed(3)} p90 ${s.p90.toFixed(3)} p99 ${s.p99.toFixed(3)} ms, cpu ${s.cpuUsPerAck?.toFixed(0) ?? '-'} µs/ack (${s.count} acks${s.generators ? `, ${s.generators} generator(s), ${s.saturation}` : ''}${hd}); load ${s.load1.toFixed(1)}\n`,
          );
        }
      }
    } finally {
      await server.stop();
    }
    const med = (xs: Sample[]): Sample => ({
      count: median(xs.map((s) => s.count)),
      p50: median(xs.map((s) => s.p50)),
      p90: median(xs.map((s) => s.p90)),
      p99: median(xs.map((s) => s.p99)),
      ...(xs[0]?.generators ? { generators: xs[0].generators } : {}),
      cpuUsPerAck: median(xs.map((s) => s.cpuUsPerAck ?? 0)),
    });
    const medians = Object.fromEntries(Object.entries(samples).map(([v, xs]) => [v, med(xs)]));
    const v = verdicts({ minimal: samples.minimal!, 'minimal-again': samples['minimal-again']!, rtbench: samples.rtbench! });
    perRate.push({
      engine,
      server: SERVER === 'fast' || engine === 'ws' ? `fast ${engine} echo` : 'reference single',
      rate,
      clients,
      medians,
      samples,
      verdicts: v,
      outcome: overall(PERCENTILES.map((p) => v[p].outcome)),
    });
  }
  const result = {
    date: new Date().toISOString(),
    environment: environment(loadBefore),
    config: {
      rates: RATES,
      wsRates: WS_RATES,
      server: SERVER,
      intervalMs: INTERVAL_MS,
      seconds: SECONDS,
      rounds: ROUNDS,
      count: COUNT,
      leadMs: LEAD_MS,
      variants: VARIANTS,
    },
    elapsedS: Math.round((performance.now() - started) / 1000),
    results: perRate,
    outcome: overall(perRate.map((x) => x.outcome)),
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'overhead.json'), `${JSON.stringify(result, null, 2)}\n`);
  for (const x of perRate) {
    const line = (p: Pct): string =>
      `${p} ${fmtRatio(x.verdicts[p].ratio)} (A/A ${fmtRatio(x.verdicts[p].aa)}, goal ≤ ${x.verdicts[p].bound.toFixed(2)}: ${x.verdicts[p].text})`;
    process.stdout.write(
      `${x.engine} ${x.rate} acked emits/s, rtbench ÷ minimal over ${ROUNDS} rounds, bootstrap 95% intervals: ${PERCENTILES.map(line).join('; ')}\n`,
    );
  }
  process.stdout.write(`overhead: ${result.outcome} (${result.elapsedS} s; load average ${loadBefore[0]!.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)})\n`);
  process.exitCode = result.outcome === 'not met' ? 1 : 0;
}

void main();
