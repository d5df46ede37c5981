/**
 * The hostile-server suite's harness: each hostile server (server.ts) runs in its own process,
 * started here and killed by its PID when the test ends; a run against it goes through the
 * programmatic `run()` (generators are child processes too), timed by the test itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunOptions } from '../../src/run/run.ts';
import type { RunFile, RunResult } from '../../src/result/types.ts';
import type { Output } from '../../src/run/reporter.ts';

export interface Hostile {
  url: string;
  port: number;
  pid: number;
  /** The server's own counters (connections, acks it swallowed, frames it sent…). */
  stats(): Promise<Record<string, number>>;
  /** Kill the server by its PID; resolves once it has exited. */
  close(): Promise<void>;
}

const HERE = new URL('.', import.meta.url).pathname;

/** Start hostile server `kind` (see server.ts) in its own process; at most 20 s to come up. */
export function startHostile(kind: string, env: Record<string, string> = {}): Promise<Hostile> {
  const child: ChildProcess = fork(join(HERE, 'server.ts'), [kind], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hostile server ${kind} did not start within 20 s`));
    }, 20_000);
    child.once('exit', (code) => reject(new Error(`hostile server ${kind} exited (${code}) before listening`)));
    child.once('message', (m) => {
      clearTimeout(timer);
      const port = (m as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        stats: () =>
          new Promise((res) => {
            child.once('message', (s) => res((s as { stats: Record<string, number> }).stats));
            child.send('stats');
          }),
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
          await exited;
        },
      });
    });
  });
}

/** An Output that keeps what was written. */
export function memOutput(): Output & { text: () => string } {
  const chunks: string[] = [];
  return { write: (t: string) => void chunks.push(t), isTTY: false, text: () => chunks.join('') };
}

export interface Ran {
  exitCode: number;
  file: RunFile;
  r: RunResult;
  stdout: string;
  stderr: string;
  /** Wall time of the whole `run()` call (plan, generators, load, drain, reports), ms. */
  wallMs: number;
}

/** Run fixture `scenario` (test/hostile/fixtures/) against `target`, with env vars for the fixture. */
export async function runAgainst(scenario: string, target: string, env: Record<string, string> = {}, opts: Partial<RunOptions> = {}): Promise<Ran> {
  const stdout = memOutput();
  const stderr = memOutput();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const t0 = performance.now();
  try {
    const o = await run(join(HERE, 'fixtures', scenario), {
      target,
      generators: 1,
      out: mkdtempSync(join(tmpdir(), 'rtbench-hostile-')),
      stdout,
      stderr,
      ...opts,
    });
    return { exitCode: o.exitCode, file: o.file, r: o.file.runs[0]!, stdout: stdout.text(), stderr: stderr.text(), wallMs: performance.now() - t0 };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * The error table as `{ kind: [[message, count], …] }` (each message as recorded: its example when
 * the table grouped it by shape), messages sorted, for exact comparison.
 */
export function errorsOf(r: RunResult): Record<string, Array<[string, number]>> {
  return Object.fromEntries(
    Object.entries(r.errors).map(([k, e]) => [
      k,
      (e.messages ?? [{ message: e.sample, count: e.count }])
        .map((m) => [m.example ?? m.message, m.count] as [string, number])
        .sort((a, b) => a[0].localeCompare(b[0])),
    ]),
  );
}
