/**
 * Honest capacity per generator (issue 19, item 4): how many concurrently active clients, each
 * sending one acked emit per second, one generator process drives while its own delay per
 * operation (`generator.harnessDelay.p99`) stays under 1 ms, and under 5 ms. Steps of
 * RTBENCH_GC_STEPS clients (default 250,500,1000,2000,4000,8000,16000), each a separate rtbench run
 * (`--generators 1`) against the plain socket.io echo server (bench/overhead/fast-server.mjs, its own
 * process), RTBENCH_GC_COUNT emits per client (default 8) after every client is connected.
 * Writes bench/results/generator-capacity.json.
 *
 *   node --import tsx bench/generator-capacity.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/run/run.ts';
import { monoMs } from '../src/shared/clock.ts';
import { envInt, environment } from './env.ts';

const here = dirname(fileURLToPath(import.meta.url));
const STEPS = (process.env.RTBENCH_GC_STEPS ?? '250,500,1000,2000,4000,8000,16000').split(',').map((x) => Number(x.trim()));
for (const n of STEPS)
  if (!Number.isInteger(n) || n < 1 || n > 16_000)
    throw new Error(`RTBENCH_GC_STEPS: ${n} must be a whole number from 1 to 16000 (one generator's open-file share)`);
const COUNT = envInt('RTBENCH_GC_COUNT', 8, 3, 60);

async function fastServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(here, 'overhead', 'fast-server.mjs'), 'socket.io'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (b: Buffer) => resolve((JSON.parse(String(b).split('\n')[0]!) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`fast server exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill('SIGTERM') };
}

interface Step {
  clients: number;
  acks: number;
  expected: number;
  lateStarts: number;
  errors: number;
  harness: { p50: number; p90: number; p99: number; max: number } | null;
  ack: { p50: number; p99: number } | null;
  generatorCpuMean: number | null;
  generatorLoopDelayP99: number | null;
  sentinelLoopDelayP99: number | null;
  verdict: string;
  load1: number;
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const steps: Step[] = [];
  for (const clients of STEPS) {
    const server = await fastServer();
    const rampS = Math.max(2, Math.ceil(clients / 1000));
    Object.assign(process.env, {
      RTBENCH_GC_CLIENTS: String(clients),
      RTBENCH_GC_RAMP_S: String(rampS),
      RTBENCH_GC_COUNT: String(COUNT),
      RTBENCH_GC_T0: String(monoMs() + rampS * 1000 + 4000),
    });
    const out = mkdtempSync(join(os.tmpdir(), 'rtbench-gc-'));
    try {
      const o = await run(join(here, 'generator-capacity', 'scenario.ts'), {
        target: server.url,
        quiet: true,
        out,
        stdout: { write: () => {}, isTTY: false },
        stderr: { write: () => {}, isTTY: false },
      });
      const r = o.file.runs[0]!;
      const h = r.generator.harnessDelay;
      const ack = r.metrics['ack:echo'];
      const g = r.generator.processes[0];
      const s: Step = {
        clients,
        acks: ack?.count ?? 0,
        expected: clients * COUNT,
        lateStarts: r.counters.late_start ?? 0,
        errors: r.counters.errors ?? 0,
        harness: h ? { p50: h.p50, p90: h.p90, p99: h.p99, max: h.max } : null,
        ack: ack ? { p50: ack.p50, p99: ack.p99 } : null,
        generatorCpuMean: g?.cpuMean ?? null,
        generatorLoopDelayP99: g?.loopDelayP99 ?? null,
        sentinelLoopDelayP99: r.generator.saturation.sentinel?.loopDelayP99 ?? null,
        verdict: r.generator.saturation.verdict ?? 'ok',
        load1: os.loadavg()[0]!,
      };
      steps.push(s);
      process.stderr.write(
        `generator-capacity: ${clients} clients: harness p50 ${h?.p50 ?? '-'} p99 ${h?.p99 ?? '-'} ms, ack p50 ${ack?.p50 ?? '-'} p99 ${ack?.p99 ?? '-'} ms, ${s.acks}/${s.expected} acks, cpu ${s.generatorCpuMean}%, loop p99 ${s.generatorLoopDelayP99} ms (sentinel ${s.sentinelLoopDelayP99}), ${s.verdict}; load ${s.load1.toFixed(1)}\n`,
      );
    } finally {
      server.stop();
      rmSync(out, { recursive: true, force: true });
    }
  }
  const within = (ms: number): number | null => {
    let best: number | null = null;
    for (const s of steps) {
      if (s.harness && s.harness.p99 < ms && s.acks >= s.expected * 0.99 && s.errors === 0) best = s.clients;
      else break;
    }
    return best;
  };
  const result = {
    date: new Date().toISOString(),
    environment: environment(loadBefore),
    config: { steps: STEPS, emitsPerClientPerSecond: 1, count: COUNT, server: 'plain socket.io echo (bench/overhead/fast-server.mjs)', generators: 1 },
    steps,
    capacity: { harnessP99Under1ms: within(1), harnessP99Under5ms: within(5) },
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'generator-capacity.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `generator capacity (1 acked emit/s per client, one generator): harness p99 < 1 ms up to ${result.capacity.harnessP99Under1ms ?? 'none'} clients; < 5 ms up to ${result.capacity.harnessP99Under5ms ?? 'none'} (load average ${loadBefore[0]!.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)})\n`,
  );
}

void main();
