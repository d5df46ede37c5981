import { isRtbenchError } from '../shared/errors.ts';
import { GeneratorPool } from '../generator/pool.ts';
import type { SpareGenerator } from '../generator/spare.ts';
import { waitUntilWall, type ShardHooks } from '../shard/options.ts';
import { Sentinel } from '../metrics/health.ts';
import type { RunCollector } from '../collect/collector.ts';
import type { GeneratorHealth, HostSentinel } from '../result/types.ts';
import type { RunEnd, RunFailure, RunStatus } from '../result/run-end.ts';
import type { Aggregator } from '../metrics/aggregate.ts';
import type { RunPlan } from '../plan/plan.ts';
import type { ServerHandle, ServerStats, StartOptions } from '../../reference-server/index.ts';
import { FaultTimeline, type FaultRecord } from '../faults/timeline.ts';
import { FaultWindows } from '../faults/windows.ts';
import { monoMs } from '../shared/clock.ts';
import { faultsFor, type ResolvedFault } from '../scenario/faults.ts';
import type { Lifecycle } from '../scenario/setup.ts';
import { abortWatcher } from './abort-watch.ts';
import type { Reporter } from './reporter.ts';
import type { RunStream } from './stream.ts';

export interface RoundOptions {
  plan: RunPlan;
  /** Reference topology to start, or `external` with a target. */
  topology: string;
  /** This round (0-based) of `plan.repeat`. */
  round: number;
  /** Where the round's snapshots go (the topology's one aggregator). */
  collector: RunCollector;
  /** The run's one stream (progress, live outputs, reporters): the round adds its own listeners to it. */
  stream: RunStream;
  signal?: AbortSignal;
  warn: (line: string) => void;
  /** `--shard` / `--start-at` (src/shard/options.ts). */
  shard?: ShardHooks;
  /** Starts the reference topology (default: local processes; `--runtime containers`: src/containers/). */
  startServer?: (o: StartOptions) => Promise<ServerHandle>;
  /** The scenario's setup()/teardown(): setup before the generators start, teardown after the load. */
  lifecycle?: Lifecycle;
  /** A generator forked as the run began (src/generator/spare.ts): the pool takes it as generator 0. */
  spare?: SpareGenerator;
}

/**
 * One round of one topology: start the reference topology (unless a target is given), hand the
 * generators the plan, start them at one instant, and put their snapshots on the stream; stop
 * everything it started. Whatever was measured is kept, also when a generator dies or the run is
 * interrupted. The round's facts go to the collector; the result is built there, once.
 */
export async function runRound(o: RoundOptions): Promise<RunStatus> {
  return new Round(o).run();
}

/**
 * A round, as named steps over its state: what it started (stopped at its end, whatever happens)
 * and what it learned (handed to the collector at its end).
 */
class Round {
  private readonly plan: RunPlan;
  private readonly startedAt = new Date().toISOString();
  private readonly faults: ResolvedFault[];
  private readonly windows: FaultWindows | null;
  /** The aggregator of this round alone (its progress and abortOnFail read it). */
  private readonly agg: Aggregator;
  private readonly sentinelMonitor = new Sentinel();
  /** The run's stream with this round's own listeners ahead: its collector, fault windows, abortOnFail. */
  private readonly stream: RunStream;
  // what the round started
  private server: ServerHandle | null = null;
  private pool: GeneratorPool | null = null;
  private timeline: FaultTimeline | null = null;
  /** setup() ran and returned: teardown() is owed, with its value. */
  private setupDone: { data: unknown } | null = null;
  /** setup() failed: no load, and the whole run stops (thrown after the round is cleaned up). */
  private setupError: unknown = null;
  // what the round learned
  private url: string;
  private loadStart = Date.now();
  /** How the round ends so far: completed until interrupted or failed. */
  private end: RunEnd = { status: 'completed' };
  private abortedBy: string | null = null;
  private health: GeneratorHealth[] = [];
  private serverStats: ServerStats | null = null;
  private sentinel: HostSentinel | null = null;
  private faultRecords: FaultRecord[] = [];
  private crashed: string[] = [];

  constructor(private readonly o: RoundOptions) {
    this.plan = o.plan;
    this.url = o.plan.target?.connectUrl ?? '';
    this.faults = faultsFor(o.plan.scenario.faults, o.topology);
    this.windows = this.faults.length ? new FaultWindows(this.faults) : null;
    this.agg = o.collector.beginRound();
    const abort: Reporter | null = abortWatcher(o.plan.thresholds, (why) => this.abortOnFail(why));
    this.stream = o.stream.withRound([o.collector, ...(this.windows ? [this.windows] : []), ...(abort ? [abort] : [])]);
  }

  async run(): Promise<RunStatus> {
    this.o.signal?.addEventListener('abort', this.interrupt, { once: true });
    try {
      await this.startServer();
      await this.setUp();
      this.announce();
      await this.prepareGenerators();
      await this.startLoad();
      await this.awaitLoad();
    } catch (e) {
      this.failed(e);
    } finally {
      await this.stopAll();
    }
    if (this.setupError) throw this.setupError;
    this.report();
    return this.end.status;
  }

  /** Ctrl-C (the run's signal) or an abortOnFail threshold: the load stops, what was measured is kept. */
  private readonly interrupt = (): void => {
    this.end = { status: 'interrupted', ...(this.end.failure ? { failure: this.end.failure } : {}) };
    this.pool?.interrupt();
  };

  private abortOnFail(why: string): void {
    if (this.abortedBy) return;
    this.abortedBy = why;
    this.o.warn(`rtbench: threshold ${why} failed with abortOnFail: stopping the run`);
    this.interrupt();
  }

  /** The bundled reference topology, unless the plan has a target. */
  private async startServer(): Promise<void> {
    if (this.plan.target) return;
    const { server: s } = this.plan.scenario;
    const start = this.o.startServer ?? (await import('../../reference-server/index.ts')).startReferenceServer;
    this.server = await start({
      topology: this.o.topology,
      pushRate: s.pushRate,
      ...(s.pingIntervalMs ? { pingIntervalMs: s.pingIntervalMs, pingTimeoutMs: s.pingTimeoutMs! } : {}),
      ...(s.recoveryMs ? { recoveryMs: s.recoveryMs } : {}),
      ...(s.maxConnectionsPerWorker ? { maxConnectionsPerWorker: s.maxConnectionsPerWorker } : {}),
    });
    this.url = this.server.url;
  }

  /** The scenario's setup(), before any generator starts; its value goes to every session. */
  private async setUp(): Promise<void> {
    if (this.o.lifecycle) this.setupDone = { data: await this.o.lifecycle.setup({ target: this.url, topology: this.o.topology }, this.o.signal) };
  }

  /** Tell the stream's listeners what runs now. */
  private announce(): void {
    const { plan, o } = this;
    this.stream.start({
      scenario: plan.scenario.name,
      topology: o.topology,
      target: plan.target?.shownUrl ?? this.url, // as the user wrote it (ws:// stays ws://)
      engine: plan.scenario.engine,
      totalMs: plan.scenario.totalMs,
      generators: plan.generators,
      sourceIps: plan.sourceIps.length,
      ...(plan.repeat > 1 ? { round: { index: o.round, of: plan.repeat } } : {}),
      ...(plan.step ? { step: plan.step } : {}),
    });
  }

  /** Fork the generators (or take the spare) and hand each its share of the plan; none starts yet. */
  private async prepareGenerators(): Promise<void> {
    const { plan, o } = this;
    let outputLines = 0;
    this.pool = new GeneratorPool({
      plan,
      target: this.url,
      ...(o.spare ? { spare: o.spare } : {}),
      ...(this.setupDone?.data !== undefined ? { data: this.setupDone.data } : {}),
      onSnapshot: (s) => this.stream.snapshot(s),
      onCrash: (why) => {
        o.warn(
          `rtbench: WARNING ${why}; its figures up to its last report are kept${plan.onGeneratorCrash === 'continue' ? ', the run goes on (--on-generator-crash continue)' : ', stopping the run (--on-generator-crash fail)'}`,
        );
        // `fail`: the run is failed already; the others stop now and flush what they measured (not at the end of the duration)
        if (plan.onGeneratorCrash === 'fail') this.pool?.interrupt();
      },
      onOutput: (line) => {
        if (++outputLines <= 50) o.warn(line);
        else if (outputLines === 51) o.warn('[generators] more output suppressed');
      },
    });
    await this.pool.prepare();
  }

  /** Start every generator at one instant (a shard's at its `--start-at`); faults, the sentinel and the ticks are timed from it. */
  private async startLoad(): Promise<void> {
    const { plan, o } = this;
    const pool = this.pool!;
    // the generators' common start instant is this far ahead, for `start` to reach every one of them:
    // one generator (and no shards to line up with) needs only a short lead (time to first connection)
    const lead = o.shard || plan.generators > 1 ? 250 : 100;
    if (o.shard?.startAtWallMs) await waitUntilWall(o.shard.startAtWallMs - lead, o.signal); // the load starts `lead` ms after the wait
    o.shard?.onLoadStart(Date.now() + lead);
    if (o.signal?.aborted) pool.interrupt();
    const begun = Date.now();
    this.loadStart = begun;
    pool.startAt = monoMs() + lead; // the generators' common start instant; faults are timed from it
    if (this.faults.length > 0) {
      this.timeline = new FaultTimeline({
        faults: this.faults,
        server: this.server,
        onInjected: (at) => pool.faultInjected(at),
        // network faults: each generator hits its share of its own clients
        onNetwork: (f, index) =>
          pool.networkFault({ index, atMs: f.atMs, kind: f.network!, clients: f.clients!, ms: f.network === 'drop' ? (f.offlineMs ?? 0) : (f.forMs ?? 0) }),
        warn: o.warn,
      });
      this.timeline.start(pool.startAt);
    }
    this.sentinelMonitor.start();
    this.stream.startTicks({ topology: o.topology, totalMs: plan.scenario.totalMs, begunMs: begun, agg: this.agg });
  }

  /** Wait for the load to end; gather the generators' health, the fault records and the server's counts. */
  private async awaitLoad(): Promise<void> {
    const outcome = await this.pool!.run();
    this.sentinel = this.sentinelMonitor.stop();
    this.health = outcome.health;
    this.faultRecords = (await this.timeline?.stop()) ?? [];
    if (this.server) this.serverStats = await this.server.stats();
    this.crashed = outcome.failures;
    if (outcome.failures.length > 0 && this.end.status !== 'interrupted' && this.plan.onGeneratorCrash === 'fail') {
      this.fail({
        code: 'E_GENERATOR',
        message: `${outcome.failures.join('; ')} (measured figures are kept; --on-generator-crash continue runs on without it)`,
      });
    }
  }

  /** The round failed for `failure`; an interrupted round stays interrupted, with it. */
  private fail(failure: RunFailure): void {
    this.end = this.end.status === 'interrupted' ? { status: 'interrupted', failure } : { status: 'failed', failure };
  }

  /** A step threw: the round failed (unless it was being interrupted), said once. */
  private failed(e: unknown): void {
    if (isRtbenchError(e) && (e.code === 'E_SETUP' || e.code === 'E_SETUP_DATA')) this.setupError = e; // no load: the whole run stops (run())
    this.fail({ code: isRtbenchError(e) ? e.code : 'E_RUN', message: isRtbenchError(e) ? e.format() : String(e) });
    if (!this.setupError) this.o.warn(isRtbenchError(e) ? e.format() : `rtbench: run failed: ${String(e)}`);
  }

  /** Stop everything the round started, whatever happened: ticks, sentinel, faults, generators, teardown(), server. */
  private async stopAll(): Promise<void> {
    const { plan, o } = this;
    this.stream.stopTicks();
    this.sentinelMonitor.stop();
    if (this.timeline && this.faultRecords.length === 0) this.faultRecords = await this.timeline.stop();
    o.signal?.removeEventListener('abort', this.interrupt);
    await this.pool?.kill();
    // the run goes on to another round only after a completed one (src/run/run.ts)
    const last = o.round === plan.repeat - 1 || this.end.status !== 'completed' || o.signal?.aborted === true;
    const teardown = this.setupDone && o.lifecycle ? await o.lifecycle.teardown(this.setupDone.data, { target: this.url, topology: o.topology, last }) : null;
    if (teardown) {
      o.warn(`rtbench: ${teardown}`);
      if (this.end.status === 'completed') this.fail({ code: 'E_TEARDOWN', message: teardown });
    }
    await this.server?.stop();
  }

  /** Hand the round's facts to the collector; with several rounds, this round's own result goes on the stream. */
  private report(): void {
    const { windows } = this;
    const roundResult = this.o.collector.endRound({
      target: this.plan.target?.shownUrl ?? this.url,
      ...this.end,
      startedAt: this.startedAt,
      durationMs: Date.now() - this.loadStart,
      processes: this.health,
      sentinel: this.sentinel,
      server: this.serverStats,
      ...(windows && this.faultRecords.length
        ? { faults: { faults: this.faultRecords.map((r, i) => ({ ...r, impact: windows.impact(i) })), baselineAckP99: windows.baselineAckP99() } }
        : {}),
      crashed: this.crashed,
      abortedBy: this.abortedBy,
    });
    if (roundResult) this.stream.runEnd(roundResult);
  }
}
