import { engines } from '../clients/index.ts';
import { resolveConnect, targetParts, type ConnectOptions, type TargetParts } from '../clients/connect-options.ts';
import { SessionClient, type MetricsSink } from '../clients/session-client.ts';
import { ClientOpError } from '../clients/types.ts';
import { arrivalsFor } from '../executors/arrivals.ts';
import { idBases } from '../executors/plan.ts';
import { chainPhaseAt, chainTarget, ownedVus, vuChains } from '../executors/vus.ts';
import type { GeneratorPlan } from '../plan/plan.ts';
import type { ResolvedPhase } from '../scenario/validate.ts';
import type { Scenario, SessionContext } from '../scenario/types.ts';
import { monoMs } from '../shared/clock.ts';
import { seededRandom } from '../util/random.ts';

export interface RunnerOptions {
  /** The scenario module's functions. */
  scenario: Scenario;
  /** This generator's share of the run plan. */
  plan: GeneratorPlan;
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
    this.maxConcurrent = o.plan.scenario.maxConcurrentPerGenerator ?? 18_000;
    this.bases = idBases(o.plan.scenario.phases);
    this.target = targetParts(o.plan.target);
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
    const phases = this.o.plan.scenario.phases;
    await Promise.all([...phases.filter((p) => p.kind === 'arrivals').map((p) => this.runArrivals(p, inflight)), ...vuChains(phases).map((c) => this.runVus(c, inflight))]);
    this.stopping = true;
    const deadline = this.o.startAt + this.o.plan.scenario.totalMs + this.o.plan.scenario.gracefulStopMs;
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
    for (const a of arrivalsFor(p, this.o.plan.generator, this.o.plan.generators)) {
      const intended = startAt + a.atMs;
      if (intended - monoMs() > 1) await this.sleepOrStop(intended);
      if (this.interrupted) return;
      if (this.sessions.size >= this.maxConcurrent) {
        this.o.sink.count('sessions.dropped');
        this.o.sink.error('dropped_arrival', `generator ${this.o.plan.generator} already holds ${this.sessions.size} sessions (maxConcurrentPerGenerator); arrival not started`);
        continue;
      }
      this.track(inflight, this.startSession(this.bases[p.index]! + a.k, p.index, intended));
    }
  }

  /** A chain of consecutive closed-model phases: each VU runs sessions back to back while it is below the target. */
  private async runVus(chain: ResolvedPhase[], inflight: Set<Promise<void>>): Promise<void> {
    const { startAt } = this.o;
    const { generator, generators } = this.o.plan;
    const last = chain[chain.length - 1]!;
    const chainEnd = startAt + last.startMs + last.durationMs;
    const running = new Set<number>();
    await this.sleepOrStop(startAt + chain[0]!.startMs);
    while (!this.interrupted && monoMs() < chainEnd) {
      const target = chainTarget(chain, monoMs() - startAt);
      for (const v of ownedVus(target, generator, generators)) {
        if (running.has(v)) continue;
        running.add(v);
        this.track(inflight, this.vuLoop(chain, v, chainEnd).finally(() => running.delete(v)));
      }
      await this.sleepOrStop(Math.min(chainEnd, monoMs() + 100));
    }
  }

  private async vuLoop(chain: ResolvedPhase[], v: number, chainEnd: number): Promise<void> {
    const id = this.bases[chain[0]!.index]! + v;
    const t = (): number => monoMs() - this.o.startAt;
    while (!this.interrupted && monoMs() < chainEnd && v < chainTarget(chain, t())) {
      await this.startSession(id, chainPhaseAt(chain, t()).index, monoMs());
    }
  }

  private track(set: Set<Promise<void>>, pr: Promise<void>): void {
    set.add(pr);
    void pr.finally(() => set.delete(pr));
  }

  private async startSession(id: number, phase: number, intended: number): Promise<void> {
    const { sink, scenario } = this.o;
    const { scenario: resolved, sourceIps } = this.o.plan;
    const sourceAddress = sourceIps[id % sourceIps.length]!;
    const random = seededRandom(id);
    const engine = engines[resolved.engine];
    const transportOptions = { target: this.o.plan.target, path: resolved.path, localAddress: sourceAddress, transports: resolved.transports, reconnect: resolved.reconnect, connectTimeoutMs: resolved.connectTimeoutMs };
    const runner = this;
    const ctx: SessionContext = {
      id,
      sourceAddress,
      phase,
      generator: this.o.plan.generator,
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
        clockOffsetMs: this.o.plan.clockOffsetMs,
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
