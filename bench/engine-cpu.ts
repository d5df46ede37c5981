/**
 * Micro-benchmark of the client engines, side by side in one run:
 *
 *  (a) client CPU per acked echo: socket.io-lean vs socket.io-client vs raw ws, in interleaved rounds
 *      (every engine's connections stay open; each round runs each engine once, in rotating order);
 *  (b) client heap per idle connection: socket.io-lean, socket.io-client and raw ws.
 *
 * The server runs in a SEPARATE child process (this file with `--server`) on 127.0.0.1, so
 * `process.cpuUsage()` and the heap here are the client's alone.
 *
 *   node --import tsx bench/engine-cpu.ts [--conns 200] [--echoes 50] [--rounds 7] [--idle 2000]
 *
 * Prints a table and writes bench/results/engine-cpu.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { loadEngine, type EngineFactory } from '../src/clients/index.ts';
import type { Transport, TransportOptions } from '../src/clients/types.ts';
import type { EngineName } from '../src/clients/engine-name.ts';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name: string, def: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return v;
}

// ---- server mode (child process) ----------------------------------------------------------------

async function serve(): Promise<void> {
  const httpServer = http.createServer();
  // socket.io on /socket.io (WebSocket only); the reference app's raw-ws JSON protocol on /ws
  const io = new Server(httpServer, { transports: ['websocket'], destroyUpgrade: false, serveClient: false });
  io.on('connection', (socket) => {
    socket.on('echo', (...args: unknown[]) => {
      const cb = args.pop();
      if (typeof cb === 'function') (cb as (...a: unknown[]) => void)(...args);
    });
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  httpServer.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/ws')) return; // socket.io's own upgrade handler takes the rest
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { e: string; a: unknown[]; id?: number };
        if (m.e === 'echo' && typeof m.id === 'number') ws.send(JSON.stringify({ ack: m.id, a: m.a }));
      });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  process.send!({ port: (httpServer.address() as AddressInfo).port });
  process.on('disconnect', () => process.exit(0)); // the benchmark ended (or died)
}

// ---- client side ----------------------------------------------------------------------------------

type Engine = Extract<EngineName, 'socket.io-lean' | 'socket.io' | 'ws'>;
const ENGINES: Engine[] = ['socket.io-lean', 'socket.io', 'ws'];
const engines = Object.fromEntries(await Promise.all(ENGINES.map(async (e) => [e, await loadEngine(e)] as const))) as Record<Engine, EngineFactory>;

/** `global.gc` without requiring --expose-gc on the command line. */
function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function make(engine: Engine, target: string): Transport {
  const opts: TransportOptions = { target, path: engine === 'ws' ? '/ws' : '/socket.io', localAddress: '127.0.0.1', transports: ['websocket'] };
  return engines[engine](opts);
}

/** Open `n` connections, at most `parallel` connecting at a time. */
async function openMany(engine: Engine, target: string, n: number, parallel = 100): Promise<Transport[]> {
  const out: Transport[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const t = make(engine, target);
      t.onEvent(() => {});
      t.onDisconnect(() => {});
      await t.connect(20_000);
      out.push(t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
  return out;
}

async function closeAll(list: Transport[]): Promise<void> {
  for (const t of list) t.close();
  await sleep(300);
}

const payload = { seq: 0, ts: 1234.5678, room: 'room-7', data: 'x'.repeat(48) };

/** One round of one engine: every connection does `echoes` acked echoes back to back. µs of client CPU per echo. */
async function round(list: Transport[], echoes: number): Promise<{ cpuUs: number; userUs: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    list.map(async (t) => {
      for (let i = 0; i < echoes; i++) {
        const r = await t.emitWithAck('echo', [{ ...payload, seq: i }], 10_000);
        if ((r[0] as { seq?: number } | undefined)?.seq !== i) throw new Error('echo mismatch');
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const n = list.length * echoes;
  return { cpuUs: (c.user + c.system) / n, userUs: c.user / n, wallMs };
}

async function cpuBench(target: string, conns: number, echoes: number, rounds: number, gc: () => void, deadline: number) {
  const open: Record<Engine, Transport[]> = { 'socket.io-lean': [], 'socket.io': [], ws: [] };
  for (const e of ENGINES) open[e] = await openMany(e, target, conns);
  // warm-up (JIT), not counted
  for (const e of ENGINES) await round(open[e], Math.max(2, echoes >> 2));
  const samples: Record<Engine, Array<{ cpuUs: number; userUs: number; wallMs: number }>> = { 'socket.io-lean': [], 'socket.io': [], ws: [] };
  for (let r = 0; r < rounds && performance.now() < deadline; r++) {
    const order = ENGINES.map((_, i) => ENGINES[(i + r) % ENGINES.length]!);
    for (const e of order) {
      gc();
      samples[e].push(await round(open[e], echoes));
    }
    process.stderr.write(`  cpu round ${r + 1}/${rounds}: ${ENGINES.map((e) => `${e} ${samples[e].at(-1)!.cpuUs.toFixed(1)}µs`).join(', ')}\n`);
  }
  for (const e of ENGINES) await closeAll(open[e]);
  return samples;
}

async function heapBench(target: string, idle: number, reps: number, gc: () => void, deadline: number) {
  const fullGc = (): void => {
    gc();
    gc();
  };
  /** heapUsed once it stops moving (closed connections of the previous step released), after full GCs. */
  const settledHeap = async (): Promise<number> => {
    let prev = -1;
    for (let i = 0; i < 40; i++) {
      await sleep(i === 0 ? 100 : 250);
      fullGc();
      const h = process.memoryUsage().heapUsed;
      if (prev >= 0 && Math.abs(h - prev) < 64 * 1024) return h;
      prev = h;
    }
    return prev;
  };
  // load every engine's code paths once, so the baseline holds them already
  for (const e of ENGINES) await closeAll(await openMany(e, target, 5));
  const samples: Record<Engine, Array<{ heapKbPerConn: number; retainedAfterCloseKbPerConn: number; connectMs: number }>> = {
    'socket.io-lean': [],
    'socket.io': [],
    ws: [],
  };
  for (let r = 0; r < reps && performance.now() < deadline; r++) {
    for (const e of ENGINES) {
      const h0 = await settledHeap();
      const t0 = performance.now();
      let list: Transport[] | null = await openMany(e, target, idle);
      const connectMs = performance.now() - t0;
      const h1 = await settledHeap(); // handshake leftovers (requests, timers) gone
      await closeAll(list);
      list = null;
      const h2 = await settledHeap(); // what closed connections leave behind (a leak shows here)
      samples[e].push({ heapKbPerConn: (h1 - h0) / idle / 1024, retainedAfterCloseKbPerConn: (h2 - h0) / idle / 1024, connectMs });
      const s = samples[e].at(-1)!;
      process.stderr.write(
        `  heap rep ${r + 1}/${reps} ${e}: ${s.heapKbPerConn.toFixed(2)} KB/conn open, ${s.retainedAfterCloseKbPerConn.toFixed(2)} KB/conn after close\n`,
      );
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const conns = arg('conns', 200, 5000);
  const echoes = arg('echoes', 50, 10_000);
  const rounds = arg('rounds', 7, 50);
  const idle = arg('idle', 2000, 10_000);
  const heapReps = arg('heap-reps', 2, 10);
  const budgetMs = arg('budget-s', 180, 1800) * 1000;
  const gc = getGc();
  const started = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const deadline = started + budgetMs;

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--server'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stopServer = (): void => {
    if (child.exitCode === null && child.pid) child.kill('SIGTERM');
  };
  process.on('exit', stopServer);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
      setTimeout(() => reject(new Error('server did not start in 20 s')), 20_000).unref();
    });
    const target = `http://127.0.0.1:${port}`;
    process.stderr.write(`server pid ${child.pid} on ${target}; client pid ${process.pid}\n`);

    process.stderr.write(`(a) CPU per acked echo: ${conns} connections × ${echoes} echoes × ${rounds} rounds per engine\n`);
    const cpu = await cpuBench(target, conns, echoes, rounds, gc, deadline);
    process.stderr.write(`(b) heap per idle connection: ${idle} connections × ${heapReps} reps per engine\n`);
    const heap = await heapBench(target, idle, heapReps, gc, deadline);

    const summary = Object.fromEntries(
      ENGINES.map((e) => [
        e,
        {
          cpuUsPerEcho: median(cpu[e].map((s) => s.cpuUs)),
          userUsPerEcho: median(cpu[e].map((s) => s.userUs)),
          echoesPerSec: median(cpu[e].map((s) => (conns * echoes) / (s.wallMs / 1000))),
          heapKbPerConn: median(heap[e].map((s) => s.heapKbPerConn)),
          retainedAfterCloseKbPerConn: median(heap[e].map((s) => s.retainedAfterCloseKbPerConn)),
        },
      ]),
    ) as Record<Engine, { cpuUsPerEcho: number; userUsPerEcho: number; echoesPerSec: number; heapKbPerConn: number; retainedAfterCloseKbPerConn: number }>;
    const ratio = summary['socket.io-lean'].cpuUsPerEcho / summary['socket.io'].cpuUsPerEcho;
    const userRatio = summary['socket.io-lean'].userUsPerEcho / summary['socket.io'].userUsPerEcho;
    const heapRatio = summary['socket.io-lean'].heapKbPerConn / summary['socket.io'].heapKbPerConn;
    const goals = {
      cpuRatioLeanOverSocketIoClient: { value: ratio, goal: '<= 0.6', met: ratio <= 0.6 },
      leanHeapKbPerIdleConn: { value: summary['socket.io-lean'].heapKbPerConn, goal: '<= 5', met: summary['socket.io-lean'].heapKbPerConn <= 5 },
    };

    const pad = (s: string, n: number): string => s.padStart(n);
    const lines = [
      '',
      `${'engine'.padEnd(16)}${pad('CPU µs/echo', 13)}${pad('user µs', 10)}${pad('echo/s', 10)}${pad('heap KB/conn', 14)}${pad('after close', 13)}`,
      ...ENGINES.map((e) => {
        const s = summary[e];
        return `${e.padEnd(16)}${pad(s.cpuUsPerEcho.toFixed(1), 13)}${pad(s.userUsPerEcho.toFixed(1), 10)}${pad(s.echoesPerSec.toFixed(0), 10)}${pad(s.heapKbPerConn.toFixed(2), 14)}${pad(s.retainedAfterCloseKbPerConn.toFixed(2), 13)}`;
      }),
      '',
      `CPU lean / socket.io-client: ${ratio.toFixed(2)} (goal ≤ 0.6: ${goals.cpuRatioLeanOverSocketIoClient.met ? 'met' : 'NOT met'}); user CPU only: ${userRatio.toFixed(2)}`,
      `lean / raw ws (the floor of a ws-based client): ${(summary['socket.io-lean'].cpuUsPerEcho / summary.ws.cpuUsPerEcho).toFixed(2)}`,
      `heap lean: ${summary['socket.io-lean'].heapKbPerConn.toFixed(2)} KB per idle connection (goal ≤ 5: ${goals.leanHeapKbPerIdleConn.met ? 'met' : 'NOT met'}); lean / socket.io-client: ${heapRatio.toFixed(2)}`,
      `medians over ${cpu['socket.io-lean'].length} CPU rounds and ${heap['socket.io-lean'].length} heap reps; ${((performance.now() - started) / 1000).toFixed(1)} s; load average ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)} on ${os.availableParallelism()} cores`,
      '',
    ];
    process.stdout.write(lines.join('\n'));

    const outFile = join(here, 'results', 'engine-cpu.json');
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(
      outFile,
      `${JSON.stringify(
        {
          schema: 'rtbench.bench.engine-cpu/v1',
          date: new Date().toISOString(),
          environment: {
            node: process.version,
            platform: `${os.platform()} ${os.release()}`,
            cpu: os.cpus()[0]?.model ?? 'unknown',
            cores: os.availableParallelism(),
            loadAverage1m: { before: loadBefore, after: os.loadavg()[0] },
          },
          config: {
            conns,
            echoes,
            rounds,
            idle,
            heapReps,
            payloadBytes: JSON.stringify(payload).length,
            server: 'socket.io v4 + ws JSON echo, separate process, 127.0.0.1',
          },
          summary,
          ratios: {
            cpuLeanOverSocketIoClient: ratio,
            userCpuLeanOverSocketIoClient: userRatio,
            cpuLeanOverWs: summary['socket.io-lean'].cpuUsPerEcho / summary.ws.cpuUsPerEcho,
            heapLeanOverSocketIoClient: heapRatio,
          },
          goals,
          samples: { cpu, heap },
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`results: ${outFile}\n`);
  } finally {
    stopServer();
  }
}

if (process.argv.includes('--server')) await serve();
else await main();
