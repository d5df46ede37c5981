import type { ChildProcess } from 'node:child_process';
import { forkTs } from '../../src/shared/fork-ts.ts';

/** A forked reference-server process that announces `{ type: 'ready', ... }` over IPC. */
export interface Child<R> {
  proc: ChildProcess;
  ready: Promise<R>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Fork a .ts entry with JSON args; `ready` resolves with its ready message (or rejects if it exits first). */
export function startChild<R extends { type: string }>(entry: URL, args: unknown, timeoutMs = 15_000): Child<R> {
  const proc = forkTs(entry, [JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = new Promise<R>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${entry.pathname.split('/').pop()} not ready within ${timeoutMs}ms`)), timeoutMs);
    const onMsg = (m: R): void => {
      if (m?.type !== 'ready') return;
      clearTimeout(t);
      proc.off('message', onMsg);
      resolve(m);
    };
    proc.on('message', onMsg);
    proc.once('exit', (code, signal) => {
      clearTimeout(t);
      reject(new Error(`${entry.pathname.split('/').pop()} exited (${signal ?? code}) before it was ready`));
    });
  });
  ready.catch(() => {});
  const stop = async (graceMs = 3000): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.kill('SIGTERM');
    await exited;
    clearTimeout(t);
  };
  return { proc, ready, stop };
}
