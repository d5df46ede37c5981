/**
 * The package as a user installs it: `npm pack`, then the tarball installed into a fresh CommonJS
 * project (`npm init -y` shape) from the npm cache by a plain `npm install`, then `npm install
 * socket.io` there (the optional peers must stay out); and into another project with the optional
 * peers added. Measured there:
 * - install size (bytes of node_modules) and package count, and install-script warnings;
 * - `rtbench --help` wall time, and `node -e 0` started the same way (spawned, interleaved);
 * - time to first connection: `rtbench run` started against a socket.io server in this process,
 *   from the spawn to that server's first `connection` event.
 * Goals (issues 14, 20): plain install < 40 MB and, after `npm install socket.io`, < 45 MB; no
 * install-script warnings; `--help` < 0.3 s, first connection < 1.5 s. Writes bench/results/package.json.
 *
 *   node --import tsx bench/package.ts        (RTBENCH_PACKAGE_ROUNDS=N, default 9)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import os from 'node:os';
import { OPTIONAL_PACKAGES } from '../src/shared/optional.ts';
import { envInt, environment } from './env.ts';
import { dirSizeBytes } from './package-size.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = envInt('RTBENCH_PACKAGE_ROUNDS', 9, 1, 100);
const GOALS = { installMb: 40, thenSocketIoMb: 45, helpS: 0.3, firstConnectionS: 1.5 };
const work = mkdtempSync(join(tmpdir(), 'rtbench-bench-pkg-'));
const { TSX_TSCONFIG_PATH: _, ...env } = process.env;

const sh = (cmd: string, args: string[], cwd: string): { stdout: string; stderr: string } => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Install {
  /** Bytes of the files (apparent sizes). */
  bytes: number;
  /** Bytes the folder takes on disk (`du -sk`: whole blocks, directories included). */
  diskBytes: number;
  packages: number;
  installScriptWarnings: string[];
}
/** `npm install ARGS` (plain) in DIR, made a fresh project first when it is not one yet. */
function install(name: string, args: string[]): Install & { dir: string } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  const r = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], dir);
  const warnings = r.stderr
    .split('\n')
    .filter((l) => /install-scripts\s+\S+@\S+ \(/.test(l))
    .map((l) => l.replace(/^.*install-scripts\s+/, '').trim());
  const listed = spawnSync('npm', ['ls', '--all', '--parseable'], { cwd: dir, encoding: 'utf8', env }).stdout.split('\n').filter(Boolean);
  const du = Number(spawnSync('du', ['-sk', join(dir, 'node_modules')], { encoding: 'utf8' }).stdout.split('\t')[0]);
  return { dir, bytes: dirSizeBytes(join(dir, 'node_modules')), diskBytes: du * 1024, packages: listed.length - 1, installScriptWarnings: warnings };
}

/** Wall time of a spawned command until it exits, ms. */
function timed(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: 'ignore', env });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

/** From spawning `rtbench run` to the first socket.io connection on our server, ms; the run is then let finish. */
function firstConnection(bin: string, dir: string, port: number, io: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    let first: number | null = null;
    const t0 = performance.now();
    const onConn = (): void => {
      first ??= performance.now() - t0;
    };
    io.on('connection', onConn);
    const child = spawn(
      process.execPath,
      [bin, 'run', 'scenario.ts', '--target', `http://127.0.0.1:${port}`, '--generators', '1', '--quiet', '--out', join(dir, `out-${Date.now()}`)],
      { cwd: dir, stdio: 'ignore', env },
    );
    child.once('error', reject);
    child.once('exit', (code) => {
      io.off('connection', onConn);
      if (code !== 0 || first === null) reject(new Error(`rtbench run exited ${code}, first connection ${first}`));
      else resolve(first);
    });
  });
}

const loadBefore = os.loadavg();
try {
  const packed = sh('npm', ['pack', '--json', '--pack-destination', work], root).stdout;
  const info = JSON.parse(packed.slice(packed.indexOf('\n[') + 1)) as Array<{ filename: string; entryCount: number; size: number; unpackedSize: number }>;
  const tarball = join(work, info[0]!.filename);
  const lean = install('lean', [tarball]);
  const thenSocketIo = install('lean', ['socket.io']);
  const full = install('full', [tarball, ...Object.keys(OPTIONAL_PACKAGES)]);
  const bin = join(lean.dir, 'node_modules/rtbench/bin/rtbench.js');

  writeFileSync(
    join(lean.dir, 'scenario.ts'),
    "import { defineScenario } from 'rtbench';\nexport default defineScenario({ name: 'first connection', phases: [{ duration: '1s', arrivalRate: 2 }], async session(client) { await client.connect(); await client.disconnect(); } });\n",
  );
  const io = new Server({ transports: ['websocket'] });
  io.listen(0);
  const port = (io.httpServer.address() as { port: number }).port;
  // warm the OS file cache and the loader's cache once, as a user's second start would be
  await timed([bin, '--help'], lean.dir);
  await firstConnection(bin, lean.dir, port, io);
  const nodeMs: number[] = [];
  const helpMs: number[] = [];
  const connMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    nodeMs.push(await timed(['-e', '0'], lean.dir));
    helpMs.push(await timed([bin, '--help'], lean.dir));
    connMs.push(await firstConnection(bin, lean.dir, port, io));
  }
  await new Promise<void>((r) => io.close(() => r()));
  const node = median(nodeMs);
  const help = median(helpMs);
  const conn = median(connMs);
  const result = {
    date: new Date().toISOString(),
    environment: environment(loadBefore),
    config: { rounds },
    tarball: { files: info[0]!.entryCount, bytes: info[0]!.size, unpackedBytes: info[0]!.unpackedSize },
    installPlain: { bytes: lean.bytes, diskBytes: lean.diskBytes, packages: lean.packages, installScriptWarnings: lean.installScriptWarnings },
    installPlainThenSocketIo: {
      bytes: thenSocketIo.bytes,
      diskBytes: thenSocketIo.diskBytes,
      packages: thenSocketIo.packages,
      installScriptWarnings: thenSocketIo.installScriptWarnings,
    },
    installWithOptional: { bytes: full.bytes, diskBytes: full.diskBytes, packages: full.packages, installScriptWarnings: full.installScriptWarnings },
    startup: {
      nodeMs: node,
      helpMs: help,
      firstConnectionMs: conn,
      helpOverNode: help / node,
      firstConnectionOverNode: conn / node,
      samples: { nodeMs, helpMs, connMs },
    },
    goals: {
      installMb: { value: lean.bytes / 2 ** 20, goal: GOALS.installMb, met: lean.bytes / 2 ** 20 < GOALS.installMb },
      thenSocketIoMb: { value: thenSocketIo.bytes / 2 ** 20, goal: GOALS.thenSocketIoMb, met: thenSocketIo.bytes / 2 ** 20 < GOALS.thenSocketIoMb },
      installScriptWarnings: {
        value: lean.installScriptWarnings.length + thenSocketIo.installScriptWarnings.length,
        goal: 0,
        met: lean.installScriptWarnings.length + thenSocketIo.installScriptWarnings.length === 0,
      },
      helpS: { value: help / 1000, goal: GOALS.helpS, met: help / 1000 < GOALS.helpS },
      firstConnectionS: { value: conn / 1000, goal: GOALS.firstConnectionS, met: conn / 1000 < GOALS.firstConnectionS },
    },
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/package.json'), `${JSON.stringify(result, null, 2)}\n`);
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
  process.stdout.write(
    [
      `tarball: ${result.tarball.files} files, ${mb(result.tarball.bytes)} packed`,
      `plain install: ${mb(lean.bytes)} of files (${mb(lean.diskBytes)} on disk), ${lean.packages} packages, install-script warnings: ${lean.installScriptWarnings.join(', ') || 'none'}`,
      `then npm install socket.io: ${mb(thenSocketIo.bytes)}, ${thenSocketIo.packages} packages, install-script warnings: ${thenSocketIo.installScriptWarnings.join(', ') || 'none'}`,
      `install with the optional peers: ${mb(full.bytes)}, ${full.packages} packages`,
      `node -e 0 ${node.toFixed(0)} ms; rtbench --help ${help.toFixed(0)} ms (${(help / node).toFixed(2)}× node); first connection ${conn.toFixed(0)} ms (${(conn / node).toFixed(2)}× node); medians of ${rounds}`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
