import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunError } from '../../src/shared/errors.ts';
import { freePort, waitForPort } from '../infra/free-port.ts';
import { supervisedSlot, type FaultSlot } from '../faults.ts';

/** What HAProxy balances on. `cookie` inserts a SERVERID cookie (stickiness that survives long-polling). */
export type Balance = 'roundrobin' | 'source' | 'cookie';

export interface HaproxyConfig {
  host: string;
  port: number;
  backends: Array<{ name: string; host: string; port: number }>;
  balance: Balance;
  /** `tcp` passes bytes; `http` parses requests (needed for cookie and X-Forwarded-For). */
  mode: 'tcp' | 'http';
  /** Send a PROXY protocol v1 header to the servers (the real client address). */
  sendProxy?: boolean;
  /** Add X-Forwarded-For (http mode). */
  forwardFor?: boolean;
}

/** Render haproxy.cfg from a typed config. */
export function renderHaproxyConfig(c: HaproxyConfig): string {
  const balance = c.balance === 'cookie' ? 'roundrobin' : c.balance;
  const lines = [
    'global',
    // each proxied connection holds two fds; this machine's hard limit is 20,000 per process
    '  maxconn 9500',
    '  log stderr format raw local0 err',
    'defaults',
    `  mode ${c.mode}`,
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout tunnel 1h',
    ...(c.mode === 'http' ? ['  http-reuse never', ...(c.forwardFor ? ['  option forwardfor'] : [])] : []),
    'frontend rtbench_in',
    `  bind ${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`,
    '  default_backend rtbench_nodes',
    'backend rtbench_nodes',
    `  balance ${balance}`,
    ...(c.balance === 'source' ? ['  hash-type map-based'] : []),
    ...(c.balance === 'cookie' ? ['  cookie SERVERID insert indirect nocache'] : []),
    ...c.backends.map((b) => `  server ${b.name} ${b.host}:${b.port}${c.balance === 'cookie' ? ` cookie ${b.name}` : ''}${c.sendProxy ? ' send-proxy' : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}

export interface HaproxyHandle {
  pid: number;
  config: string;
  /** Resolves when the process exits (for any reason). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** Start the real `haproxy` (Debian package) in the foreground with a generated config. */
export async function startHaproxy(
  c: HaproxyConfig,
  bin = process.env.RTBENCH_HAPROXY ?? (process.platform === 'linux' ? 'haproxy' : 'haproxy'),
): Promise<HaproxyHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'rtbench-haproxy-'));
  const config = renderHaproxyConfig(c);
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` };
  const child = spawn(bin, ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-3000)));
  const spawnErr = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    child.once('error', (e) => resolve(e));
    child.once('spawn', () => resolve(null));
  });
  if (spawnErr) {
    await rm(dir, { recursive: true, force: true });
    throw new RunError('E_SERVER_START', `cannot start haproxy: ${spawnErr.code === 'ENOENT' ? 'not installed' : spawnErr.message}`, {
      hint: 'install it with `apt-get install -y haproxy` (or run `npm run setup`), or set RTBENCH_HAPROXY to its path',
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT'); // in case a fault left it stopped
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      waitForPort(c.host, c.port, 10_000),
      exited.then(() => {
        throw new Error(`haproxy exited: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }),
    ]);
  } catch (e) {
    await stop();
    throw new RunError('E_SERVER_START', `haproxy did not start: ${(e as Error).message}`);
  }
  return { pid: child.pid!, config, exited, stop };
}

/** HAProxy under a supervisor: restarted with the same config if it dies (as systemd would). */
export interface SupervisedHaproxy {
  readonly pid: number;
  restarts(): number;
  faultSlot(): FaultSlot;
  stop(): Promise<void>;
}

export async function startSupervisedHaproxy(c: HaproxyConfig): Promise<SupervisedHaproxy> {
  let stopping = false;
  let restarts = 0;
  let current: HaproxyHandle | null = await startHaproxy(c);
  const watch = (h: HaproxyHandle): void => {
    void h.exited.then(async () => {
      if (stopping) return;
      current = null;
      restarts++;
      await h.stop(); // removes its temp dir
      for (let attempt = 0; attempt < 20 && !stopping; attempt++) {
        try {
          const next = await startHaproxy(c);
          if (stopping) return void (await next.stop());
          current = next;
          watch(next);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    });
  };
  watch(current);
  return {
    get pid() {
      return current?.pid ?? 0;
    },
    restarts: () => restarts,
    faultSlot: () => supervisedSlot(() => ({ pid: current?.pid ?? null, ready: current !== null })),
    async stop() {
      stopping = true;
      await current?.stop();
    },
  };
}

/**
 * A supervised HAProxy in front of what a topology has started already, on `c.port` (0: a free
 * port): when HAProxy does not start, `undo()` stops what stands behind it and the error goes on.
 */
export async function haproxyInFront(c: HaproxyConfig, undo: () => Promise<void>): Promise<{ proxy: SupervisedHaproxy; port: number }> {
  const port = c.port || (await freePort(c.host));
  try {
    return { proxy: await startSupervisedHaproxy({ ...c, port }), port };
  } catch (e) {
    await undo();
    throw e;
  }
}
