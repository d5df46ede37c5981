import { engines } from '../clients/index.ts';
import { resolveConnect, targetParts, type ConnectOptions, type TargetParts } from '../clients/connect-options.ts';
import { SessionClient, type MetricsSink } from '../clients/session-client.ts';
import { ClientOpError } from '../clients/types.ts';
import { arrivalsFor } from '../executors/arrivals.ts';
import { idBases } from '../executors/plan.ts';
import { ownedVus, vuTarget } from '../executors/vus.ts';
import type { ResolvedPhase, ResolvedScenario } from '../scenario/validate.ts';
import type { Scenario, SessionContext } from '../scenario/types.ts';
import { monoMs } from '../shared/clock.ts';
import { seededRandom } from '../util/random.ts';

export interface RunnerOptions {
  scenario: Scenario;
  resolved: ResolvedScenario;
  generator: number;
  generators: number;
  target: string;
  sourceIps: string[];
  sink: MetricsSink;
  /** Monotonic ms at which the run (phase 0) starts. */
  startAt: number;
}

/**
 * Drives one generator's share of the load: open-model arrivals at their intended times,
 * closed-model VUs following their ramp. Bounded: it stops at the end of the last phase plus
 * the graceful-stop window, or at `interrupt()`.
 */
export class LoadRunner {
  private readonly sessions = new Set<SessionClient>();
  private stopping = false;
  private peak = 0;
  private interrupted = false;
  private readonly wakers = new Set<() => void>();
  private readonly maxConcurrent: number;
  private readonly bases: number[];
  private readonly target: TargetParts;

  constructor(private readonly o: RunnerOptions) {
    this.maxConcurrent = o.resolved.maxConcurrentPerGenerator ?? 18_000;
    this.bases = idBases(o.resolved.phases);
    this.target = targetParts(o.target);
  }

  /** Clients currently running a session. */
  get active(): number {
    return this.sessions.size;
  }
  get peakClients(): number {
    return this.peak;
  }

  /** Run every phase, then wait for sessions in flight (graceful stop), then close what is left. */
  async run(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    await Promise.all(this.o.resolved.phases.map((p) => (p.kind === 'arrivals' ? this.runArrivals(p, inflight) : this.runVus(p, inflight))));
    this.stopping = true;
    const deadline = this.o.startAt + this.o.resolved.totalMs + this.o.resolved.gracefulStopMs;
    await Promise.race([Promise.allSettled([...inflight]), this.sleepOrStop(deadline)]);
    if (this.sessions.size > 0) {
      this.o.sink.count('sessions.interrupted', this.sessions.size);
      for (const c of this.sessions) await c.disconnect();
      this.sessions.clear();
    }
  }

  /** Sleep until `atMs`, or less if the run is interrupted meanwhile. */
  private sleepOrStop(atMs: number): Promise<void> {
    if (this.interrupted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, atMs - monoMs()));
      this.wakers.add(wake);
    });
  }

  private async runArrivals(p: ResolvedPhase, inflight: Set<Promise<void>>): Promise<void> {
    const { startAt } = this.o;
    await this.sleepOrStop(startAt + p.startMs);
    for (const a of arrivalsFor(p, this.o.generator, this.o.generators)) {
      const intended = startAt + a.atMs;
      if (intended - monoMs() > 1) await this.sleepOrStop(intended);
      if (this.interrupted) return;
      if (this.sessions.size >= this.maxConcurrent) {
        this.o.sink.count('sessions.dropped');
        this.o.sink.error('dropped_arrival', `generator ${this.o.generator} already holds ${this.sessions.size} sessions (maxConcurrentPerGenerator); arrival not started`);
        continue;
      }
      this.track(inflight, this.startSession(this.bases[p.index]! + a.k, p.index, intended));
    }
  }

  private async runVus(p: ResolvedPhase, inflight: Set<Promise<void>>): Promise<void> {
    const { startAt, generator, generators } = this.o;
    const phaseEnd = startAt + p.startMs + p.durationMs;
    const running = new Set<number>();
    await this.sleepOrStop(startAt + p.startMs);
    while (!this.interrupted && monoMs() < phaseEnd) {
      const target = vuTarget(p, monoMs() - startAt);
      for (const v of ownedVus(target, generator, generators)) {
        if (running.has(v)) continue;
        running.add(v);
        this.track(inflight, this.vuLoop(p, v, phaseEnd).finally(() => running.delete(v)));
      }
      await this.sleepOrStop(Math.min(phaseEnd, monoMs() + 100));
    }
  }

  private async vuLoop(p: ResolvedPhase, v: number, phaseEnd: number): Promise<void> {
    const id = this.bases[p.index]! + v;
    while (!this.interrupted && monoMs() < phaseEnd && v < vuTarget(p, monoMs() - this.o.startAt)) {
      await this.startSession(id, p.index, monoMs());
    }
  }

  private track(set: Set<Promise<void>>, pr: Promise<void>): void {
    set.add(pr);
    void pr.finally(() => set.delete(pr));
  }

  private async startSession(id: number, phase: number, intended: number): Promise<void> {
    const { resolved, sink, sourceIps, scenario } = this.o;
    const sourceAddress = sourceIps[id % sourceIps.length]!;
    const random = seededRandom(id);
    const engine = engines[resolved.engine];
    const transportOptions = { target: this.o.target, path: resolved.path, localAddress: sourceAddress, transports: resolved.transports, reconnect: resolved.reconnect, connectTimeoutMs: resolved.connectTimeoutMs };
    const runner = this;
    const ctx: SessionContext = {
      id,
      sourceAddress,
      phase,
      generator: this.o.generator,
      random,
      get stopping() {
        return runner.stopping;
      },
    };
    const defaults = scenario.connect;
    const client = new SessionClient(
      // no connect options: the engine takes namespace and query from the target URL as it is
      (c: ConnectOptions) => engine(hasAny(c) ? { ...transportOptions, connect: resolveConnect(c, this.target, resolved.engine) } : transportOptions),
      sink,
      {
        id,
        sourceAddress,
        intendedStart: intended,
        ackTimeoutMs: resolved.ackTimeoutMs,
        connectTimeoutMs: resolved.connectTimeoutMs,
        random,
        reconnect: resolved.reconnect,
        rawFrames: resolved.engine === 'ws',
        describeError: (e) => describeUserError(e, resolved.file),
        ...(defaults === undefined ? {} : { connectDefaults: () => (typeof defaults === 'function' ? defaults(ctx) : defaults) }),
      },
    );
    this.sessions.add(client);
    this.peak = Math.max(this.peak, this.sessions.size);
    sink.count('sessions.started');
    sink.record('lag', Math.max(0, monoMs() - intended));
    try {
      await this.o.scenario.session(client, ctx);
      if (this.sessions.has(client)) {
        sink.count('sessions.completed');
        sink.record('session', monoMs() - intended);
      }
    } catch (e) {
      if (!this.sessions.has(client)) return; // closed by a forced stop: counted as interrupted
      sink.count('sessions.failed');
      if (!(e instanceof ClientOpError)) sink.error('session_error', describeUserError(e, resolved.file));
    } finally {
      if (this.sessions.delete(client)) await client.disconnect();
    }
  }

  /** Interrupt (SIGINT, coordinator stop): stop scheduling and close sessions now. */
  interrupt(): void {
    this.interrupted = true;
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
  }
}

function hasAny(c: ConnectOptions): boolean {
  for (const k in c) if (c[k as keyof ConnectOptions] !== undefined) return true;
  return false;
}

/** A user error's message plus the first stack frame inside the scenario file. */
export function describeUserError(e: unknown, file: string): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  const stack = e instanceof Error ? e.stack ?? '' : '';
  const base = file.split('/').pop() ?? file;
  const frame = stack.split('\n').find((l) => l.includes(base));
  return frame ? `${msg} (${frame.trim().replace(/^at /, '')})` : msg;
}
