/**
 * What `connect: { parser: 'msgpack' }` costs the load generator: client CPU per acked echo of a
 * binary payload (a 1 KiB Buffer in an object, the case MessagePack is chosen for), JSON parser
 * vs socket.io-msgpack-parser, on both Socket.IO engines, side by side in interleaved rounds
 * (every variant's connections stay open; each round runs each variant once, in rotating order).
 *
 * The servers (one Socket.IO server per parser) run in a SEPARATE child process (this file with
 * `--server`) on 127.0.0.1, so `process.cpuUsage()` here is the client's alone.
 *
 *   node --import tsx bench/msgpack.ts [--conns 100] [--echoes 30] [--rounds 5] [--bytes 1024] [--text]
 *
 * `--text`: the payload is `{ seq, text }` with a string of `--bytes` characters instead (no binary).
 *
 * Prints a table (median µs of client CPU per echo, and each variant against the same engine with
 * JSON: the median and range of the rounds' own ratios) and writes bench/results/msgpack.json
 * (msgpack-text.json with `--text`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { loadEngine } from '../src/clients/index.ts';
import { resolveConnect, targetParts } from '../src/clients/connect-options.ts';
import type { Transport } from '../src/clients/types.ts';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name: string, def: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return v;
}

async function serve(): Promise<void> {
  const ports: number[] = [];
  for (const parser of [undefined, msgpackParser]) {
    const srv = http.createServer();
    const io = new Server(srv, { transports: ['websocket'], serveClient: false, ...(parser ? { parser } : {}) });
    io.on('connection', (socket) => {
      socket.on('echo', (...args: unknown[]) => {
        const cb = args.pop();
        if (typeof cb === 'function') (cb as (...a: unknown[]) => void)(...args);
      });
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    ports.push((srv.address() as AddressInfo).port);
  }
  process.send!({ ports });
  process.on('disconnect', () => process.exit(0));
}

type Variant = 'socket.io json' | 'socket.io msgpack' | 'socket.io-lean json' | 'socket.io-lean msgpack';
const VARIANTS: Variant[] = ['socket.io json', 'socket.io msgpack', 'socket.io-lean json', 'socket.io-lean msgpack'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const conns = arg('conns', 100, 2000);
  const echoes = arg('echoes', 30, 1000);
  const rounds = arg('rounds', 5, 30);
  const bytes = arg('bytes', 1024, 1 << 20);
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { ports } = await new Promise<{ ports: number[] }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { ports: number[] }));
      child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
    });
    const open = {} as Record<Variant, Transport[]>;
    for (const v of VARIANTS) {
      const [engine, parser] = v.split(' ') as ['socket.io' | 'socket.io-lean', 'json' | 'msgpack'];
      const target = `http://127.0.0.1:${ports[parser === 'json' ? 0 : 1]}`;
      const make = await loadEngine(engine);
      const connect = resolveConnect(parser === 'msgpack' ? { parser: 'msgpack' } : {}, targetParts(target), engine);
      open[v] = [];
      for (let i = 0; i < conns; i++) {
        const t = make({ target, path: '/socket.io', localAddress: '127.0.0.1', transports: ['websocket'], connect });
        t.onEvent(() => {});
        t.onDisconnect(() => {});
        await t.connect(10_000);
        open[v].push(t);
      }
    }
    const text = process.argv.includes('--text');
    const blob = text ? 'x'.repeat(bytes) : Buffer.alloc(bytes, 7);
    const round = async (list: Transport[], n: number): Promise<number> => {
      const c0 = process.cpuUsage();
      await Promise.all(
        list.map(async (t) => {
          for (let i = 0; i < n; i++) {
            const r = await t.emitWithAck('echo', [{ seq: i, blob }], 10_000);
            const back = r[0] as { seq?: number; blob?: Buffer | string } | undefined;
            if (back?.seq !== i || (text ? typeof back.blob !== 'string' : !Buffer.isBuffer(back.blob)) || back.blob?.length !== bytes)
              throw new Error('echo mismatch');
          }
        }),
      );
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / (list.length * n);
    };
    for (const v of VARIANTS) await round(open[v], Math.max(2, echoes >> 2)); // warm-up
    const samples = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + r) % VARIANTS.length]!;
        samples[v].push(await round(open[v], echoes));
      }
      process.stderr.write(`  round ${r + 1}/${rounds}: ${VARIANTS.map((v) => `${v} ${samples[v].at(-1)!.toFixed(1)}µs`).join(', ')}\n`);
    }
    for (const v of VARIANTS) for (const t of open[v]) t.close();
    const rows = VARIANTS.map((v) => {
      const json = v.replace('msgpack', 'json') as Variant;
      // paired: each round's own ratio (the machine's drift between rounds cancels), then their median and range
      const ratios = samples[v].map((x, i) => x / samples[json][i]!);
      return {
        variant: v,
        cpuUsPerEcho: +median(samples[v]).toFixed(1),
        vsJson: +median(ratios).toFixed(2),
        vsJsonRange: [+Math.min(...ratios).toFixed(2), +Math.max(...ratios).toFixed(2)],
        rounds: samples[v].map((x) => +x.toFixed(1)),
      };
    });
    console.log(
      `client CPU per acked echo of { seq, ${text ? `text: ${bytes} chars` : `blob: ${bytes} B`} }: ${conns} connections × ${echoes} echoes, median of ${rounds} interleaved rounds (${os.cpus().length} cores, node ${process.version})`,
    );
    for (const r of rows)
      console.log(
        `  ${r.variant.padEnd(24)} ${String(r.cpuUsPerEcho).padStart(7)} µs   ${r.vsJson.toFixed(2)}× [${r.vsJsonRange.join('–')}] the same engine with JSON (per-round ratios)`,
      );
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(
      join(here, 'results', text ? 'msgpack-text.json' : 'msgpack.json'),
      `${JSON.stringify({ when: new Date().toISOString(), payload: text ? 'text' : 'binary', conns, echoes, rounds, bytes, cores: os.cpus().length, node: process.version, rows }, null, 2)}\n`,
    );
  } finally {
    child.kill();
  }
}

if (process.argv.includes('--server')) await serve();
else await main();
