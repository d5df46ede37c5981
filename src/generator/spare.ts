import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENGINE_NAMES, type EngineName } from '../clients/engine-name.ts';
import { liftableFdLimit, liftFdLimit } from '../shared/fd-limit.ts';
import { forkTs } from '../shared/fork-ts.ts';
import type { ToGenerator } from './protocol.ts';

/**
 * Fork one generator process (src/generator/child.ts); it waits for `preload` or `init`. Where the
 * open-file limit can be lifted (root: src/shared/fd-limit.ts) it is, before the process opens any
 * socket, so one generator holds what the plan (machineLimits) counted on.
 */
export function forkGenerator(): ChildProcess {
  const proc = forkTs(new URL('./child.ts', import.meta.url), [], {
    execArgv: profileArgs(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const limit = liftableFdLimit();
  if (limit !== null && proc.pid !== undefined) liftFdLimit(proc.pid, limit);
  return proc;
}

/**
 * A generator process forked as a run begins, before its plan exists: while the coordinator loads
 * and validates the scenario, the spare starts Node, loads the generator, and imports the scenario
 * and, at the same time, the engine it most likely uses. The first round's pool takes it as its
 * first generator; if no pool takes it (bad input), `close()` kills it (by PID). Saves most of a
 * generator's start-up from the time to first connection.
 */
export class SpareGenerator {
  private proc: ChildProcess | null;

  constructor(scenarioFile: string) {
    const proc = forkGenerator();
    proc.once('error', () => undefined); // a spare that failed to start is simply not taken
    const msg: ToGenerator = { type: 'preload', file: resolve(scenarioFile), engine: engineHint(scenarioFile) };
    proc.send(msg);
    this.proc = proc;
  }

  /** The spare process if it is still alive and nobody took it yet; null otherwise. */
  take(): ChildProcess | null {
    const proc = this.proc;
    this.proc = null;
    if (proc && alive(proc) && proc.connected) return proc;
    if (proc && alive(proc)) proc.kill('SIGKILL');
    return null;
  }

  /** Kill the spare if no pool took it. */
  close(): void {
    const proc = this.proc;
    this.proc = null;
    if (proc && alive(proc)) proc.kill('SIGKILL');
  }
}

/**
 * The engine the scenario most likely uses, read from its text (`engine: 'ws'`), else the default:
 * only a hint for what the spare loads early; the validated plan says which engine runs.
 */
export function engineHint(scenarioFile: string): EngineName {
  let text = '';
  try {
    text = readFileSync(scenarioFile, 'utf8');
  } catch {
    // a missing file is reported by the plan
  }
  const named = /\bengine\s*:\s*['"]([\w.-]+)['"]/.exec(text)?.[1];
  return ENGINE_NAMES.find((e) => e === named) ?? 'socket.io';
}

function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/**
 * `RTBENCH_CPU_PROF_DIR=dir`: each generator writes a V8 CPU profile there (docs/timing.md,
 * "Generators, source addresses and health"). `RTBENCH_GENERATOR_NODE_ARGS='--trace-gc …'`: more
 * Node flags for the generator processes only (diagnostics; their output comes back as the
 * generators' lines).
 */
function profileArgs(): string[] {
  const dir = process.env.RTBENCH_CPU_PROF_DIR;
  const extra = (process.env.RTBENCH_GENERATOR_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...extra];
}
