import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { RunError } from '../../src/shared/errors.ts';
import { supervisedSlot, type FaultSlot } from '../faults.ts';
import { freePort, waitForPort } from './free-port.ts';

/** A redis-server this process started and supervises (restarted on the same port if it dies). */
export interface RedisHandle {
  url: string;
  port: number;
  /** PID of the redis-server running now. */
  readonly pid: number;
  /** How many times it was restarted after dying. */
  restarts(): number;
  faultSlot(): FaultSlot;
  stop(): Promise<void>;
}

/**
 * Start the real `redis-server` (Debian package) on a free loopback port (bound to 127.0.0.1),
 * no persistence. If it dies while running it is started again on the same port, as a service
 * manager would, so adapters can reconnect. A clear error says how to install it when missing.
 */
export async function startRedis(bin = process.env.RTBENCH_REDIS_SERVER ?? 'redis-server'): Promise<RedisHandle> {
  let stopping = false;
  let restarts = 0;
  // a free port can be taken by someone else between the probe and redis-server's bind: then try
  // another (a missing redis-server is final)
  const first = async (attempt: number): Promise<{ port: number; started: Launched }> => {
    const p = await freePort();
    try {
      return { port: p, started: await launch(bin, p) };
    } catch (e) {
      if (attempt >= 3 || (e as Error).message.startsWith('cannot start')) throw e;
      return first(attempt + 1);
    }
  };
  const { port, started } = await first(1);
  let current: Launched = started;
  const supervise = (c: typeof current): void => {
    void c.exited.then(async () => {
      if (stopping) return;
      restarts++;
      for (let attempt = 0; attempt < 20 && !stopping; attempt++) {
        try {
          current = await launch(bin, port);
          supervise(current);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // the port may still be in TIME_WAIT
        }
      }
    });
  };
  supervise(current);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.child.pid!;
    },
    restarts: () => restarts,
    faultSlot: () =>
      supervisedSlot(() => ({
        pid: current.child.exitCode === null && current.child.signalCode === null ? (current.child.pid ?? null) : null,
        ready: current.ready,
      })),
    async stop() {
      stopping = true;
      const c = current.child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGCONT'); // in case a fault left it stopped
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 3000);
      await current.exited;
      clearTimeout(t);
    },
  };
}

type Launched = { child: ChildProcess; ready: boolean; exited: Promise<void> };

async function launch(bin: string, port: number): Promise<Launched> {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  const spawned = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    child.once('error', (e) => resolve(e));
    child.once('spawn', () => resolve(null));
  });
  if (spawned) {
    throw new RunError('E_SERVER_START', `cannot start ${bin}: ${spawned.code === 'ENOENT' ? 'not installed' : spawned.message}`, {
      hint: 'install it with `apt-get install -y redis-server` (or run `npm run setup`), or set RTBENCH_REDIS_SERVER to its path',
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle = { child, ready: false, exited };
  try {
    const ours = async (): Promise<void> => {
      await waitForPort('127.0.0.1', port, 10_000);
      // something listens: make sure it is this redis-server (not another process that took the port)
      const pid = await redisPid(port);
      if (pid !== child.pid) throw new Error(`port ${port} is held by another process (pid ${pid ?? 'unknown'})`);
    };
    await Promise.race([ours(), exited.then(() => Promise.reject(new Error('exited')))]);
  } catch (e) {
    child.kill('SIGKILL');
    throw new RunError('E_SERVER_START', `redis-server did not start on 127.0.0.1:${port}: ${(e as Error).message}`, { details: stderr.split('\n').slice(-5) });
  }
  handle.ready = true;
  return handle;
}

/** The `process_id` a Redis server on 127.0.0.1:port reports in `INFO server`, or null. */
function redisPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    let text = '';
    const sock = net.connect({ host: '127.0.0.1', port }, () => sock.write('INFO server\r\n'));
    const done = (pid: number | null): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(pid);
    };
    const timer = setTimeout(() => done(null), 5000);
    sock.on('data', (b: Buffer) => {
      text += b.toString('latin1');
      const m = /process_id:(\d+)/.exec(text);
      if (m) done(Number(m[1]));
    });
    sock.once('error', () => done(null));
    sock.once('close', () => done(null));
  });
}
