import { monoMs, sleep } from '../src/shared/clock.ts';
import type { FaultRole } from '../src/shared/faults.ts';

/** What the coordinator asks the topology process to do. */
export interface FaultRequest {
  action: 'kill' | 'pause' | 'restart';
  role: FaultRole;
  index: number;
  forMs: number | null;
}

/** What happened, measured in the topology process (monotonic ms are comparable across processes on one host). */
export interface FaultOutcome {
  /** PID that was hit. */
  pid: number;
  /** When the signal was sent (monotonic ms). */
  injectedAt: number;
  /** Time until a new process was ready in the same place (respawn, router restart, Redis back), or null. */
  replacedMs: number | null;
  newPid: number | null;
  /** Why `replacedMs` is null, or other facts worth printing. */
  note?: string;
}

/**
 * One place a fault can hit: `pid()` is the process there now (null while it is being replaced);
 * `readyPid()` the process there that is ready to serve (null while starting). `supervised` says
 * whether something replaces it when it dies.
 */
export interface FaultSlot {
  pid(): number | null;
  readyPid(): number | null;
  supervised: boolean;
}

export type FaultTargets = Partial<Record<FaultRole, FaultSlot[]>>;

/** A slot for one supervised child whose handle is replaced on restart (router, Redis, HAProxy). */
export function supervisedSlot(current: () => { pid: number | null; ready: boolean }): FaultSlot {
  return {
    pid: () => current().pid,
    readyPid: () => (current().ready ? current().pid : null),
    supervised: true,
  };
}

const REPLACE_TIMEOUT_MS = 30_000;

/**
 * Sends the signals and measures the replacement. Remembers paused processes so that a run
 * that ends while one is stopped resumes it first (`resumeAll`), or it could not stop cleanly.
 */
export class FaultInjector {
  private readonly paused = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly topology: string,
    private readonly targets: () => FaultTargets,
  ) {}

  async apply(req: FaultRequest): Promise<FaultOutcome> {
    const slots = this.targets()[req.role];
    if (!slots || slots.length === 0) {
      const roles = Object.keys(this.targets());
      throw new Error(
        `topology \`${this.topology}\` has no ${req.role}${roles.length ? ` (it has: ${roles.join(', ')})` : ' fault targets (use a multi-process topology such as cluster or sticky)'}`,
      );
    }
    const slot = slots[req.index];
    if (!slot) throw new Error(`topology \`${this.topology}\` has ${slots.length} ${req.role}(s): index ${req.index} is out of range (0..${slots.length - 1})`);
    const pid = slot.pid();
    if (pid === null) throw new Error(`${req.role}#${req.index} is down (being replaced) at this moment`);
    const injectedAt = monoMs();
    if (req.action === 'pause') {
      process.kill(pid, 'SIGSTOP');
      const forMs = req.forMs ?? 5000;
      this.paused.set(
        pid,
        setTimeout(() => this.resume(pid), forMs),
      );
      return { pid, injectedAt, replacedMs: null, newPid: null, note: `stopped for ${forMs}ms, then SIGCONT` };
    }
    process.kill(pid, req.action === 'kill' ? 'SIGKILL' : 'SIGTERM');
    if (!slot.supervised) return { pid, injectedAt, replacedMs: null, newPid: null, note: `${req.role} is not restarted by this topology` };
    const deadline = injectedAt + REPLACE_TIMEOUT_MS;
    while (monoMs() < deadline) {
      const now = slot.readyPid();
      if (now !== null && now !== pid) return { pid, injectedAt, replacedMs: monoMs() - injectedAt, newPid: now };
      await sleep(5);
    }
    return { pid, injectedAt, replacedMs: null, newPid: null, note: `not replaced within ${REPLACE_TIMEOUT_MS}ms` };
  }

  /** SIGCONT every process this injector stopped (before stopping the topology). */
  resumeAll(): void {
    for (const pid of [...this.paused.keys()]) this.resume(pid);
  }

  private resume(pid: number): void {
    clearTimeout(this.paused.get(pid));
    this.paused.delete(pid);
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
}
