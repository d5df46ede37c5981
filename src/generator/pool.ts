import type { NetworkFaultMessage } from './protocol.ts';
import type { ChildProcess } from 'node:child_process';
import { RunError } from '../shared/errors.ts';
import type { IntervalSnapshot } from '../metrics/snapshot.ts';
import type { GeneratorHealth } from '../result/types.ts';
import { monoMs } from '../shared/clock.ts';
import { summarizeHealth, type HealthSample } from '../metrics/health.ts';
import type { RunPlan } from '../plan/plan.ts';
import type { FromGenerator, ToGenerator } from './protocol.ts';
import { forkGenerator, type SpareGenerator } from './spare.ts';

export interface PoolOptions {
  /** The run plan (each generator gets its share: its slot, the target, the addresses, the clock offset). */
  plan: Pick<RunPlan, 'scenario' | 'generators' | 'slots' | 'sourceIps' | 'clockOffsetMs'>;
  /** The server's URL (the reference topology's, or the target's). */
  target: string;
  /** What the scenario's `setup()` returned (JSON): every session's `ctx.data`. */
  data?: unknown;
  /** Every interval snapshot of every generator, as it arrives. */
  onSnapshot: (s: IntervalSnapshot) => void;
  /** Lines a generator wrote to stdout/stderr (user console.log, warnings), prefixed. */
  onOutput: (line: string) => void;
  /** A generator died before finishing (called at once, while the others run on). */
  onCrash?: (why: string) => void;
  /** A generator forked ahead (src/generator/spare.ts), taken as generator 0 if it is still alive. */
  spare?: SpareGenerator;
  /** Give up waiting for generators to load the scenario after this long. */
  readyTimeoutMs?: number;
}

export interface PoolOutcome {
  health: GeneratorHealth[];
  /** Generators that died or failed before reporting `done`, with what they said last. */
  failures: string[];
}

interface Gen {
  index: number;
  proc: ChildProcess;
  done: GeneratorHealth | null;
  /** The per-second health samples its snapshots carried: a generator that dies keeps its figures. */
  samples: HealthSample[];
  exited: Promise<number | null>;
  stderrTail: string[];
}

/**
 * The coordinator's side of the generator processes: fork N children, hand each its share,
 * start them together at one monotonic instant, stream their snapshots, collect their health.
 * Processes, not threads: each has its own fd limit and event loop.
 */
export class GeneratorPool {
  private readonly gens: Gen[] = [];
  /** Monotonic ms at which the load starts (set by run()). */
  startAt = 0;
  private running = false;

  constructor(private readonly o: PoolOptions) {}

  /** Fork every generator and wait until each has loaded the scenario. */
  async prepare(): Promise<void> {
    for (let index = 0; index < this.o.plan.generators; index++) this.gens.push(this.fork(index));
    const timeout = this.o.readyTimeoutMs ?? 30_000;
    await Promise.all(this.gens.map((g) => this.waitReady(g, timeout)));
  }

  /** Start the load on every generator at one instant; resolve when all are done or dead. */
  async run(): Promise<PoolOutcome> {
    const startAt = this.startAt || monoMs() + 250;
    this.startAt = startAt;
    this.running = true;
    for (const g of this.gens) this.send(g, { type: 'start', startAt });
    await Promise.all(this.gens.map((g) => g.exited));
    const failures = this.gens
      .filter((g) => g.done === null)
      .map((g) => `generator ${g.index} (pid ${g.proc.pid}) exited before finishing${g.stderrTail.length ? `: ${g.stderrTail.slice(-3).join(' | ')}` : ''}`);
    // a generator that died sends no `done`: its health is summed up from the reports it did send
    const health = this.gens.map(
      (g) => g.done ?? { ...summarizeHealth(this.o.plan.slots[g.index]?.generator ?? g.index, g.proc.pid ?? 0, g.samples, 0), crashed: true },
    );
    return { health, failures };
  }

  /** Interrupt every generator: they stop the load, flush what they measured and exit. */
  interrupt(): void {
    for (const g of this.gens) this.send(g, { type: 'stop' });
  }

  /** Tell every generator that a fault was injected at `at` (monotonic ms). */
  faultInjected(at: number): void {
    for (const g of this.gens) this.send(g, { type: 'fault', at });
  }

  /** A network fault: each generator hits its share of the clients it holds (src/generator/network.ts). */
  networkFault(f: NetworkFaultMessage['fault']): void {
    for (const g of this.gens) this.send(g, { type: 'network', fault: f });
  }

  /** Kill every generator still alive (by PID). */
  async kill(): Promise<void> {
    for (const g of this.gens) if (g.proc.exitCode === null && g.proc.signalCode === null) g.proc.kill('SIGKILL');
    await Promise.all(this.gens.map((g) => g.exited));
  }

  private fork(index: number): Gen {
    const proc = (index === 0 ? this.o.spare?.take() : null) ?? forkGenerator();
    const g: Gen = {
      index,
      proc,
      done: null,
      samples: [],
      stderrTail: [],
      // 'close' (not 'exit'): fires after the IPC channel is drained, so a last 'done' is never lost
      exited: new Promise((resolve) =>
        proc.once('close', (code, signal) => {
          if (this.running && g.done === null) this.o.onCrash?.(`generator ${index} (pid ${proc.pid}) crashed (${signal ?? `exit code ${code}`})`);
          resolve(code);
        }),
      ),
    };
    const lines = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        g.stderrTail.push(line);
        if (g.stderrTail.length > 20) g.stderrTail.shift();
        this.o.onOutput(`[generator ${index}] ${line}`);
      }
    };
    proc.stdout?.on('data', lines);
    proc.stderr?.on('data', lines);
    proc.on('message', (raw) => {
      const msg = raw as FromGenerator;
      if (msg.type === 'snapshot') {
        if (msg.snapshot.health) g.samples.push(msg.snapshot.health);
        this.o.onSnapshot(msg.snapshot);
      } else if (msg.type === 'done') g.done = msg.health;
    });
    const { plan } = this.o;
    this.send(g, {
      type: 'init',
      plan: { scenario: plan.scenario, ...plan.slots[index]!, target: this.o.target, sourceIps: plan.sourceIps, clockOffsetMs: plan.clockOffsetMs },
      ...(this.o.data !== undefined ? { data: this.o.data } : {}),
    });
    return g;
  }

  private waitReady(g: Gen, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not import the scenario within ${timeoutMs}ms`), timeoutMs);
      const onMsg = (raw: unknown): void => {
        const msg = raw as FromGenerator;
        if (msg.type === 'ready') finish();
        else if (msg.type === 'fatal') fail(msg.message, msg.details, msg.hint);
      };
      const onExit = (code: number | null): void =>
        fail(`exited with code ${code} while importing the scenario${g.stderrTail.length ? `: ${g.stderrTail.slice(-3).join(' | ')}` : ''}`);
      const finish = (): void => {
        clearTimeout(timer);
        g.proc.off('message', onMsg);
        g.proc.off('exit', onExit);
        resolve();
      };
      const fail = (why: string, details: string[] = [], hint?: string): void => {
        finish();
        reject(new RunError('E_GENERATOR', `generator ${g.index} failed to start: ${why}`, { details, ...(hint ? { hint } : {}) }));
      };
      g.proc.on('message', onMsg);
      g.proc.once('exit', onExit);
    });
  }

  private send(g: Gen, msg: ToGenerator): void {
    if (g.proc.connected) g.proc.send(msg);
  }
}
