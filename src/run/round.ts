import { isRtbenchError } from '../shared/errors.ts';
import { GeneratorPool } from '../generator/pool.ts';
import type { SpareGenerator } from '../generator/spare.ts';
import { waitUntilWall, type ShardHooks } from '../shard/options.ts';
import { Sentinel } from '../metrics/health.ts';
import type { RunCollector } from '../collect/collector.ts';
import type { GeneratorHealth, HostSentinel, RunResult } from '../result/types.ts';
import type { RunPlan } from '../plan/plan.ts';
import type { ServerHandle, ServerStats, StartOptions } from '../../reference-server/index.ts';
import { FaultTimeline, type FaultRecord } from '../faults/timeline.ts';
import { FaultWindows } from '../faults/windows.ts';
import { monoMs } from '../shared/clock.ts';
import { faultsFor } from '../scenario/faults.ts';
import type { Lifecycle } from '../scenario/setup.ts';
import { abortWatcher } from './abort-watch.ts';
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
export async function runRound(o: RoundOptions): Promise<RunResult['status']> {
  const { plan } = o;
  const scenario = plan.scenario;
  const startedAt = new Date().toISOString();
  let loadStart = Date.now();
  const faults = faultsFor(scenario.faults, o.topology);
  const windows = faults.length ? new FaultWindows(faults) : null;
  const agg = o.collector.beginRound();
  let timeline: FaultTimeline | null = null;
  let faultRecords: FaultRecord[] = [];
  let crashed: string[] = [];
  let server: ServerHandle | null = null;
  let pool: GeneratorPool | null = null;
  let url = plan.target?.connectUrl ?? '';
  const state: { status: RunResult['status'] } = { status: 'completed' };
  let failure: RunResult['failure'];
  let health: GeneratorHealth[] = [];
  let serverStats: ServerStats | null = null;
  let abortedBy: string | null = null;
  let sentinel: HostSentinel | null = null;
  const sentinelMonitor = new Sentinel();
  /** setup() ran and returned: teardown() is owed, with its value. */
  let setupDone: { data: unknown } | null = null;
  let setupError: unknown = null;
  const interrupt = (): void => {
    state.status = 'interrupted';
    pool?.interrupt();
  };
  const abort = abortWatcher(plan.thresholds, (why) => {
    if (abortedBy) return;
    abortedBy = why;
    o.warn(`rtbench: threshold ${why} failed with abortOnFail: stopping the run`);
    interrupt();
  });
  const stream = o.stream.withRound([o.collector, ...(windows ? [windows] : []), ...(abort ? [abort] : [])]);
  o.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    if (!plan.target) {
      server = await (o.startServer ?? (await import('../../reference-server/index.ts')).startReferenceServer)({
        topology: o.topology,
        pushRate: scenario.server.pushRate,
        ...(scenario.server.pingIntervalMs ? { pingIntervalMs: scenario.server.pingIntervalMs, pingTimeoutMs: scenario.server.pingTimeoutMs! } : {}),
        ...(scenario.server.recoveryMs ? { recoveryMs: scenario.server.recoveryMs } : {}),
        ...(scenario.server.maxConnectionsPerWorker ? { maxConnectionsPerWorker: scenario.server.maxConnectionsPerWorker } : {}),
      });
      url = server.url;
    }
    if (o.lifecycle) setupDone = { data: await o.lifecycle.setup({ target: url, topology: o.topology }, o.signal) };
    stream.start({
      scenario: scenario.name,
      topology: o.topology,
      target: plan.target?.shownUrl ?? url, // as the user wrote it (ws:// stays ws://)
      engine: scenario.engine,
      totalMs: scenario.totalMs,
      generators: plan.generators,
      sourceIps: plan.sourceIps.length,
      ...(plan.repeat > 1 ? { round: { index: o.round, of: plan.repeat } } : {}),
    });
    let outputLines = 0;
    pool = new GeneratorPool({
      plan,
      target: url,
      ...(o.spare ? { spare: o.spare } : {}),
      ...(setupDone?.data !== undefined ? { data: setupDone.data } : {}),
      onSnapshot: (s) => stream.snapshot(s),
      onCrash: (why) => o.warn(`rtbench: WARNING ${why}; its figures up to its last report are kept${plan.onGeneratorCrash === 'continue' ? ', the run goes on (--on-generator-crash continue)' : ''}`),
      onOutput: (line) => {
        if (++outputLines <= 50) o.warn(line);
        else if (outputLines === 51) o.warn('[generators] more output suppressed');
      },
    });
    await pool.prepare();
    // the generators' common start instant is this far ahead, for `start` to reach every one of them:
    // one generator (and no shards to line up with) needs only a short lead (time to first connection)
    const lead = o.shard || plan.generators > 1 ? 250 : 100;
    if (o.shard?.startAtWallMs) await waitUntilWall(o.shard.startAtWallMs - lead, o.signal); // the load starts `lead` ms after the wait
    o.shard?.onLoadStart(Date.now() + lead);
    if (o.signal?.aborted) pool.interrupt();
    const begun = Date.now();
    loadStart = begun;
    pool.startAt = monoMs() + lead; // the generators' common start instant; faults are timed from it
    if (faults.length > 0) {
      const p = pool;
      timeline = new FaultTimeline({
        faults,
        server,
        onInjected: (at) => p.faultInjected(at),
        onNetwork: (f, index) => p.networkFault({ index, atMs: f.atMs, kind: f.network!, clients: f.clients!, ms: f.network === 'drop' ? (f.offlineMs ?? 0) : (f.forMs ?? 0) }),
        warn: o.warn,
      });
      timeline.start(pool.startAt);
    }
    sentinelMonitor.start();
    stream.startTicks({ topology: o.topology, totalMs: scenario.totalMs, begunMs: begun, agg });
    const outcome = await pool.run();
    sentinel = sentinelMonitor.stop();
    health = outcome.health;
    faultRecords = (await timeline?.stop()) ?? [];
    if (server) serverStats = await server.stats();
    crashed = outcome.failures;
    if (outcome.failures.length > 0 && state.status !== 'interrupted' && plan.onGeneratorCrash === 'fail') {
      state.status = 'failed';
      failure = { code: 'E_GENERATOR', message: `${outcome.failures.join('; ')} (measured figures are kept; --on-generator-crash continue runs on without it)` };
    }
  } catch (e) {
    if (isRtbenchError(e) && (e.code === 'E_SETUP' || e.code === 'E_SETUP_DATA')) setupError = e; // no load: the whole run stops (below)
    if (state.status !== 'interrupted') state.status = 'failed';
    failure = { code: isRtbenchError(e) ? e.code : 'E_RUN', message: isRtbenchError(e) ? e.format() : String(e) };
    if (!setupError) o.warn(isRtbenchError(e) ? e.format() : `rtbench: run failed: ${String(e)}`);
  } finally {
    stream.stopTicks();
    sentinelMonitor.stop();
    if (timeline && faultRecords.length === 0) faultRecords = await timeline.stop();
    o.signal?.removeEventListener('abort', interrupt);
    await pool?.kill();
    // the run goes on to another round only after a completed one (src/run/run.ts)
    const last = o.round === plan.repeat - 1 || state.status !== 'completed' || o.signal?.aborted === true;
    const teardown = setupDone && o.lifecycle ? await o.lifecycle.teardown(setupDone.data, { target: url, topology: o.topology, last }) : null;
    if (teardown) {
      o.warn(`rtbench: ${teardown}`);
      if (state.status === 'completed') {
        state.status = 'failed';
        failure = { code: 'E_TEARDOWN', message: teardown };
      }
    }
    await server?.stop();
  }
  if (setupError) throw setupError;
  const roundResult = o.collector.endRound({
    target: plan.target?.shownUrl ?? url,
    status: state.status,
    startedAt,
    durationMs: Date.now() - loadStart,
    processes: health,
    sentinel,
    server: serverStats,
    ...(windows && faultRecords.length ? { faults: { faults: faultRecords.map((r, i) => ({ ...r, impact: windows.impact(i) })), baselineAckP99: windows.baselineAckP99() } } : {}),
    crashed,
    ...(failure ? { failure } : {}),
    abortedBy,
  });
  if (roundResult) stream.runEnd(roundResult);
  return state.status;
}
