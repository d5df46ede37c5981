import { spawn } from 'node:child_process';
import type { FaultOutcome, ServerHandle } from '../../reference-server/index.ts';
import type { ResolvedFault } from '../scenario/faults.ts';
import { monoMs } from '../shared/clock.ts';
import type { FaultReport } from '../result/faults.ts';

const HOOK_TIMEOUT_MS = 60_000;

export type FaultRecord = Omit<FaultReport, 'impact'>;

export interface TimelineOptions {
  faults: ResolvedFault[];
  /** The bundled topology, or null with an external target (then only `run` hooks apply). */
  server: ServerHandle | null;
  /** Told the monotonic time of each injection (generators time client detection from it). */
  onInjected: (at: number) => void;
  /** Network faults: the generators act on their own clients' sockets (`index`: the fault's place in `faults`). */
  onNetwork?: (f: ResolvedFault, index: number) => void;
  warn: (line: string) => void;
}

/**
 * Plays a scenario's fault timeline against the running topology: signals through the reference
 * server's process (which measures the replacement), `run` hooks as shell commands. Bounded:
 * every hook is killed after 60 s; `stop()` cancels what has not started and waits for the rest.
 */
export class FaultTimeline {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inflight: Array<Promise<void>> = [];
  private readonly records: FaultRecord[];
  private readonly hooks = new Set<number>();
  private begun = 0;

  constructor(private readonly o: TimelineOptions) {
    this.records = o.faults.map((f) => ({
      label: f.label,
      action: f.action,
      ...(f.network && f.clients ? { network: { kind: f.network, ...f.clients, offlineMs: f.offlineMs ?? 0 } } : {}),
      role: f.role,
      index: f.index,
      command: f.command,
      plannedMs: f.atMs,
      atMs: null,
      pid: null,
      newPid: null,
      replacedMs: null,
      forMs: f.forMs,
    }));
  }

  /** Schedule every fault relative to `begunAt` (monotonic ms of the load start). */
  start(begunAt: number): void {
    this.begun = begunAt;
    this.o.faults.forEach((f, i) => {
      this.timers.push(setTimeout(() => this.inflight.push(this.inject(f, this.records[i]!)), Math.max(0, begunAt + f.atMs - monoMs())));
    });
  }

  /** Cancel faults not yet due, kill running hooks (by PID), and return what happened. */
  async stop(): Promise<FaultRecord[]> {
    for (const t of this.timers) clearTimeout(t);
    for (const r of this.records) if (r.atMs === null && !r.error) r.error = 'not injected: the run ended first';
    for (const pid of this.hooks) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await Promise.allSettled(this.inflight);
    return this.records;
  }

  private async inject(f: ResolvedFault, r: FaultRecord): Promise<void> {
    const at = monoMs();
    r.atMs = Math.round(at - this.begun);
    if (f.action === 'run') return this.runHook(f.command!, r);
    if (f.action === 'network') {
      this.o.warn(`rtbench: fault ${f.label}`);
      this.o.onInjected(at);
      if (this.o.onNetwork) this.o.onNetwork(f, this.o.faults.indexOf(f));
      else r.error = 'network faults need the generators (not available here)';
      return;
    }
    if (!this.o.server) {
      r.error = `${f.action} ${f.role} needs the bundled reference server (no --target); use { run: '<command>' } against an external target`;
      return this.o.warn(`rtbench: fault \`${f.label}\`: ${r.error}`);
    }
    this.o.warn(`rtbench: fault ${f.label}`);
    // generators learn the time first, so clients can time their detection of the disconnect from it
    this.o.onInjected(at);
    try {
      const outcome: FaultOutcome = await this.o.server.fault({ action: f.action, role: f.role!, index: f.index, forMs: f.forMs });
      r.atMs = Math.round(outcome.injectedAt - this.begun);
      r.pid = outcome.pid;
      r.newPid = outcome.newPid;
      r.replacedMs = outcome.replacedMs === null ? null : Math.round(outcome.replacedMs * 10) / 10;
      if (outcome.note) r.note = outcome.note;
    } catch (e) {
      r.error = (e as Error).message;
      this.o.warn(`rtbench: fault \`${f.label}\` failed: ${r.error}`);
    }
  }

  /** The user's own command, in its own process group (so it can be killed whole), bounded in time. */
  private runHook(command: string, r: FaultRecord): Promise<void> {
    this.o.onInjected(monoMs());
    this.o.warn(`rtbench: fault hook \`${command}\``);
    return new Promise((resolve) => {
      const child = spawn(command, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: string[] = [];
      const keep = (b: Buffer): void => {
        out.push(
          ...b
            .toString()
            .split('\n')
            .filter((l) => l.trim()),
        );
        out.splice(0, Math.max(0, out.length - 10));
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      if (child.pid) this.hooks.add(child.pid);
      r.pid = child.pid ?? null;
      const timer = setTimeout(() => {
        r.note = `killed after ${HOOK_TIMEOUT_MS}ms`;
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      }, HOOK_TIMEOUT_MS);
      child.once('error', (e) => {
        r.error = `cannot run the hook: ${e.message}`;
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        if (child.pid) this.hooks.delete(child.pid);
        r.exitCode = code;
        r.output = out;
        if (code !== 0 && !r.error) r.error = `the hook exited with code ${code}`;
        resolve();
      });
    });
  }
}
