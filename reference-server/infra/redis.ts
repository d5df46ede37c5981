import { spawn } from 'node:child_process';
import { RunError } from '../../src/errors.ts';
import { freePort, waitForPort } from './free-port.ts';

/** A redis-server this process started. */
export interface RedisHandle {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Start the real `redis-server` (Debian package) on a free loopback port, no persistence.
 * A clear error says how to install it when it is missing.
 */
export async function startRedis(bin = process.env.RTBENCH_REDIS_SERVER ?? 'redis-server'): Promise<RedisHandle> {
  const port = await freePort();
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
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  try {
    await waitForPort('127.0.0.1', port, 10_000);
  } catch (e) {
    await stop();
    throw new RunError('E_SERVER_START', `redis-server did not start on 127.0.0.1:${port}: ${(e as Error).message}`, { details: stderr.split('\n').slice(-5) });
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid!, stop };
}
