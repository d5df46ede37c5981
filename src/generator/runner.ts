import type { EngineFactory } from '../clients/index.ts';
import { resolveConnect, targetParts, type ConnectOptions, type TargetParts } from '../clients/connect-options.ts';
import { SessionClient } from '../clients/session-client.ts';
import type { SessionClientOptions } from '../clients/session-options.ts';
import type { MetricsSink } from '../metrics/sink.ts';
import { EngineMemo } from '../clients/memo.ts';
import { ClientOpError, type ResumeState, type Transport, type TransportOptions } from '../clients/types.ts';
import { compileDelivery } from '../clients/delivery.ts';
import { arrivalsFor } from '../executors/arrivals.ts';
import { idBases } from '../executors/plan.ts';
import { chainPhaseAt, chainTarget, ownedVus, vuChains } from '../executors/vus.ts';
import type { GeneratorPlan } from '../plan/plan.ts';
import type { ResolvedPhase } from '../scenario/validate.ts';
import type { Scenario, SessionContext, SessionFn } from '../scenario/types.ts';
import { CustomRecorder } from '../metrics/custom.ts';
import { kindKey, NETWORK_HIT } from '../metrics/names.ts';
import { pickClients } from './network.ts';
import type { NetworkFaultMessage } from './protocol.ts';
import { kindOfClient, mixTable } from '../scenario/mix.ts';
import { monoMs } from '../shared/clock.ts';
import { seededRandom } from '../util/random.ts';
import { describeUserError } from '../scenario/user-error.ts';
import { RunnerSessionContext } from './session-context.ts';

export { describeUserError };

export interface RunnerOptions {
  /** The scenario module's functions. */
  scenario: Scenario;
  /** This generator's share of the run plan. */
  plan: GeneratorPlan;
  sink: MetricsSink;
  /** Monotonic ms at which the run (phase 0) starts. */
  startAt: number;
  /** The scenario's engine (src/clients/index.ts `loadEngine`), loaded with the scenario. */
  engine: EngineFactory;
  /** What the scenario's `setup()` returned in the coordinator (JSON), given to sessions as `ctx.data`. */
  data?: unknown;
}

/** A session function and, in a `sessions` mix, its kind's name and counter keys. */
interface Kind {
  fn: SessionFn;
  name?: string;
  metric?: string;
  keys?: { started: string; completed: string; failed: string };
}

/**
 * Drives one generator's share of the load: open-model arrivals at their intended times,
 * closed-model VUs following their ramp. Bounded: it stops at the end of the last phase plus
 * the graceful-stop window, or at `interrupt()`.
 */
export class LoadRunner {
  private readonly sessions = new Set<SessionClient>();
  /** Read by every session's `ctx.stopping` (one object for the run, not a getter closure per session). */
  private readonly state = { stopping: false };
  private peak = 0;
  private interrupted = false;
  private readonly wakers = new Set<() => void>();
  private readonly maxConcurrent: number;
  private readonly bases: number[];
  private readonly target: TargetParts;
  private readonly custom: CustomRecorder;
  private readonly check: (name: string, condition: boolean) => boolean;
  private readonly data: unknown;
  private readonly kinds: Kind[];
  private readonly mix: Uint16Array | null;
  /** Parsed target URLs and the TLS context, shared by this run's connections. */
  private readonly memo = new EngineMemo();
  /** Engine factories by source address (transportMaker). */
  private readonly makers = new Map<string, (c: ConnectOptions) => Transport>();
  /** A user error's message with its scenario line, for every session's client. */
  private readonly describe: (e: unknown) => string;
  /** What every session's client options share (each session's own object has this as its prototype). */
  private readonly clientOptions: Partial<SessionClientOptions>;
  /** socket.io-lean with reconnection: each client carries its connection-state recovery from one connection to the next. */
  private readonly resumes: boolean;
  /** Sessions started and not yet ended, and who waits for none to be left (graceful stop). */
  private running = 0;
  private readonly drainWaiters: Array<() => void> = [];

  constructor(private readonly o: RunnerOptions) {
    this.maxConcurrent = o.plan.scenario.maxConcurrentPerGenerator ?? 18_000;
    this.bases = idBases(o.plan.scenario.phases);
    this.target = targetParts(o.plan.target);
    this.custom = new CustomRecorder(o.plan.scenario.metrics ?? {}, o.sink);
    this.check = (name, condition) => this.custom.check(name, condition);
    const file = o.plan.scenario.file;
    this.describe = (e) => describeUserError(e, file);
    const resolved = o.plan.scenario;
    this.clientOptions = {
      ackTimeoutMs: resolved.ackTimeoutMs,
      connectTimeoutMs: resolved.connectTimeoutMs,
      reconnect: resolved.reconnect,
      clockOffsetMs: o.plan.clockOffsetMs,
      rawFrames: resolved.engine === 'ws',
      ...(resolved.engine === 'sse' ? { streamOrigin: this.target.origin } : {}),
      describeError: this.describe,
      // the scenario's `sequences`, compiled once for every client
      delivery: compileDelivery(resolved.sequences ?? [], o.scenario.sequences, o.scenario.parseMessage, o.plan.clockOffsetMs ?? 0, this.describe),
    };
    this.resumes = resolved.reconnect !== null && resolved.engine === 'socket.io-lean';
    this.data = deepFreeze(o.data);
    const mix = o.plan.scenario.sessions ?? null;
    this.kinds = mix
      ? mix.map((e) => ({
          fn: o.scenario.sessions![e.name]!.session as SessionFn,
          name: e.name,
          metric: `session:${e.name}`,
          keys: { started: kindKey(e.name, 'started'), completed: kindKey(e.name, 'completed'), failed: kindKey(e.name, 'failed') },
        }))
      : [{ fn: o.scenario.session as SessionFn }];
    this.mix = mix ? mixTable(mix.map((e) => e.weight)) : null;
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
    await Promise.all([
      ...phases.filter((p) => p.kind === 'arrivals').map((p) => this.runArrivals(p)),
      ...vuChains(phases).map((c) => this.runVus(c, inflight)),
    ]);
    this.state.stopping = true;
    const deadline = this.o.startAt + this.o.plan.scenario.totalMs + this.o.plan.scenario.gracefulStopMs;
    await Promise.race([Promise.allSettled([...inflight]).then(() => this.drained()), this.sleepOrStop(deadline)]);
    if (this.sessions.size > 0) {
      // out of the set before closing: a session whose call fails because its client closed is interrupted, not failed
      const left = [...this.sessions];
      this.sessions.clear();
      this.o.sink.count('sessions.interrupted', left.length);
      for (const c of left) await c.disconnect();
    }
  }

  /** Resolves once no session is running (counted, not a promise kept per session: an idle session costs bytes). */
  private drained(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.drainWaiters.push(resolve));
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

  private async runArrivals(p: ResolvedPhase): Promise<void> {
    const { startAt } = this.o;
    await this.sleepOrStop(startAt + p.startMs);
    for (const a of arrivalsFor(p, this.o.plan.generator, this.o.plan.generators)) {
      const intended = startAt + a.atMs;
      if (intended - monoMs() > 1) await this.sleepOrStop(intended);
      if (this.interrupted) return;
      if (this.sessions.size >= this.maxConcurrent) {
        this.o.sink.count('sessions.dropped');
        this.o.sink.error(
          'dropped_arrival',
          `generator ${this.o.plan.generator} already holds ${this.sessions.size} sessions (maxConcurrentPerGenerator); arrival not started`,
        );
        continue;
      }
      void this.startSession(this.bases[p.index]! + a.k, p.index, intended);
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
        this.track(
          inflight,
          this.vuLoop(chain, v, chainEnd).finally(() => running.delete(v)),
        );
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

  /**
   * The engine factory of the clients from `sourceAddress`: one per address for the run (not a
   * closure and an options object per session). Without connect options the engine takes the
   * namespace and query from the target URL as it is. A client that carries its connection-state
   * recovery (`resume`) gets a factory of its own.
   */
  private transportMaker(sourceAddress: string, resume?: ResumeState): (c: ConnectOptions) => Transport {
    let make = resume ? undefined : this.makers.get(sourceAddress);
    if (!make) {
      const resolved = this.o.plan.scenario;
      const engine = this.o.engine;
      const options: TransportOptions = {
        target: this.o.plan.target,
        path: resolved.path,
        localAddress: sourceAddress,
        transports: resolved.transports,
        reconnect: resolved.reconnect,
        connectTimeoutMs: resolved.connectTimeoutMs,
        memo: this.memo,
        protocol: resolved.protocol,
        ...(resume ? { resume } : {}),
      };
      make = (c) => engine(hasAny(c) ? { ...options, connect: resolveConnect(c, this.target, resolved.engine) } : options);
      if (!resume) this.makers.set(sourceAddress, make);
    }
    return make;
  }

  private track(set: Set<Promise<void>>, pr: Promise<void>): void {
    set.add(pr);
    void pr.finally(() => set.delete(pr));
  }

  /** A session: set up here (synchronously), driven by `drive` (whose suspended frame an idle session keeps: few locals). */
  private startSession(id: number, phase: number, intended: number): Promise<void> {
    const { sink } = this.o;
    const sourceAddress = this.o.plan.sourceIps[id % this.o.plan.sourceIps.length]!;
    const random = seededRandom(id);
    const kind = this.mix ? this.kinds[kindOfClient(this.mix, id)]! : this.kinds[0]!;
    const ctx: SessionContext = new RunnerSessionContext(
      id,
      sourceAddress,
      phase,
      this.o.plan.generator,
      random,
      this.state,
      this.data,
      this.custom,
      this.check,
      kind.name,
    );
    // this session's own options over the run's (a prototype): 4 fields per session, not 11
    const opts = Object.create(this.clientOptions) as SessionClientOptions;
    opts.id = id;
    opts.sourceAddress = sourceAddress;
    opts.intendedStart = intended;
    opts.random = random;
    const defaults = this.o.scenario.connect;
    if (defaults !== undefined) opts.connectDefaults = () => (typeof defaults === 'function' ? defaults(ctx) : defaults);
    const client = new SessionClient(this.transportMaker(sourceAddress, this.resumes ? { pid: null, offset: null } : undefined), sink, opts);
    this.sessions.add(client);
    this.running++;
    this.peak = Math.max(this.peak, this.sessions.size);
    sink.count('sessions.started');
    if (kind.keys) sink.count(kind.keys.started);
    sink.record('lag', Math.max(0, monoMs() - intended));
    return this.drive(client, ctx, kind, intended);
  }

  private async drive(client: SessionClient, ctx: SessionContext, kind: Kind, intended: number): Promise<void> {
    const { sink } = this.o;
    try {
      await kind.fn(client, ctx);
      if (this.sessions.has(client)) {
        const took = monoMs() - intended;
        sink.count('sessions.completed');
        sink.record('session', took);
        if (kind.keys) {
          sink.count(kind.keys.completed);
          sink.record(kind.metric!, took);
        }
      }
    } catch (e) {
      if (!this.sessions.has(client)) return; // closed by a forced stop: counted as interrupted
      if (this.interrupted) {
        // failed while the run was being interrupted (its sleep cut short, its client closing): interrupted, not failed
        this.sessions.delete(client);
        sink.count('sessions.interrupted');
        await client.disconnect();
        return;
      }
      sink.count('sessions.failed');
      if (kind.keys) sink.count(kind.keys.failed);
      if (!(e instanceof ClientOpError)) sink.error('session_error', this.describe(e));
    } finally {
      if (this.sessions.delete(client)) await client.disconnect();
      if (--this.running === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    }
  }

  /** A network fault: hit this generator's share of its connected clients (src/generator/network.ts). */
  networkFault(f: NetworkFaultMessage['fault']): void {
    const connected = [...this.sessions].filter((c) => c.connected);
    let hit = 0;
    for (const c of pickClients(connected, f.clients, f, this.o.plan.generator, this.o.plan.generators)) if (c.networkFault(f.kind, f.ms)) hit++;
    this.o.sink.count(NETWORK_HIT, hit);
  }

  /** Interrupt (SIGINT, coordinator stop): stop scheduling and close sessions now. */
  interrupt(): void {
    this.interrupted = true;
    this.state.stopping = true;
    for (const wake of [...this.wakers]) wake();
  }
}

/** Freeze a JSON value all the way down: every session of the generator shares the one copy of `ctx.data`. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function hasAny(c: ConnectOptions): boolean {
  for (const k in c) if (c[k as keyof ConnectOptions] !== undefined) return true;
  return false;
}
