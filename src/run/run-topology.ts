import { isRtbenchError } from '../shared/errors.ts';
import { GeneratorPool } from '../generator/pool.ts';
import { Aggregator } from '../metrics/aggregate.ts';
import { waitUntilWall, type ShardHooks } from '../shard/options.ts';
import { assessSaturation } from '../metrics/health.ts';
import type { RunResult, ServerView } from '../result/types.ts';
import type { Reporter } from '../reporters/types.ts';
import type { ResolvedScenario } from '../scenario/validate.ts';
import type { Target } from '../target/target.ts';
import { evaluateThresholds } from '../thresholds/evaluate.ts';
import type { Threshold } from '../thresholds/parse.ts';
import { startReferenceServer, type ServerHandle, type ServerStats, type StartOptions } from '../../reference-server/start.ts';
import { FaultTimeline, type FaultRecord } from '../faults/timeline.ts';
import { FaultWindows } from '../faults/windows.ts';
import { monoMs } from '../shared/clock.ts';
import { faultsFor } from '../scenario/faults.ts';
import type { Lifecycle } from '../scenario/setup.ts';

export interface TopologyRunOptions {
  scenarioFile: string;
  resolved: ResolvedScenario;
  /** Reference topology to start, or `external` with a target. */
  topology: string;
  target: Target | null;
  generators: number;
  sourceIps: string[];
  totalMsOverride: number | null;
  reporters: Reporter[];
  thresholds: Threshold[];
  signal?: AbortSignal;
  warn: (line: string) => void;
  /** `--shard` / `--start-at` (src/shard/options.ts). */
  shard?: ShardHooks;
  /** Starts the reference topology (default: local processes; `--runtime containers`: src/containers/). */
  startServer?: (o: StartOptions) => Promise<ServerHandle>;
  /** A generator process that crashes: `fail` the run (default), or `continue` with a loud warning. */
  onGeneratorCrash?: 'fail' | 'continue';
  /** The scenario's setup()/teardown(): setup before the generators start, teardown after the load. */
  lifecycle?: Lifecycle;
}

/**
 * One entry of `runs`: start the reference topology (unless a target is given), run the
 * generators against it, merge their snapshots, and stop everything it started.
 * Whatever was measured is kept, also when a generator dies or the run is interrupted.
 */
export async function runTopology(o: TopologyRunOptions): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  let loadStart = Date.now();
  const agg = new Aggregator();
  const faults = faultsFor(o.resolved.faults, o.topology);
  const windows = new FaultWindows(faults);
  let timeline: FaultTimeline | null = null;
  let faultRecords: FaultRecord[] = [];
  let crashed: string[] = [];
  let server: ServerHandle | null = null;
  let pool: GeneratorPool | null = null;
  let url = o.target?.connectUrl ?? '';
  const state: { status: RunResult['status'] } = { status: 'completed' };
  let failure: RunResult['failure'];
  let health: Awaited<ReturnType<GeneratorPool['run']>>['health'] = [];
  let ticker: NodeJS.Timeout | undefined;
  let serverStats: ServerStats | null = null;
  const abortedBy: { value: string | null } = { value: null };
  /** setup() ran and returned: teardown() is owed, with its value. */
  let setupDone: { data: unknown } | null = null;
  let setupError: unknown = null;
  const onAbort = (): void => {
    state.status = 'interrupted';
    pool?.interrupt();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (!o.target) {
      server = await (o.startServer ?? startReferenceServer)({
        topology: o.topology,
        pushRate: o.resolved.server.pushRate,
        ...(o.resolved.server.pingIntervalMs ? { pingIntervalMs: o.resolved.server.pingIntervalMs, pingTimeoutMs: o.resolved.server.pingTimeoutMs! } : {}),
        ...(o.resolved.server.maxConnectionsPerWorker ? { maxConnectionsPerWorker: o.resolved.server.maxConnectionsPerWorker } : {}),
      });
      url = server.url;
    }
    if (o.lifecycle) setupDone = { data: await o.lifecycle.setup({ target: url, topology: o.topology }, o.signal) };
    for (const r of o.reporters) {
      r.onRunStart?.({ scenario: o.resolved.name, topology: o.topology, target: url, engine: o.resolved.engine, totalMs: o.resolved.totalMs, generators: o.generators, sourceIps: o.sourceIps.length });
    }
    let outputLines = 0;
    pool = new GeneratorPool({
      scenarioFile: o.scenarioFile,
      generators: o.generators,
      target: url,
      sourceIps: o.sourceIps,
      totalMs: o.totalMsOverride,
      ...(setupDone?.data !== undefined ? { data: setupDone.data } : {}),
      ...(o.shard?.spec ? { shard: { ...o.shard.spec, clockMonoOffsetMs: o.shard.clockMonoOffsetMs } } : {}),
      onSnapshot: (s) => {
        agg.add(s);
        windows.add(s);
      },
      onCrash: (why) => o.warn(`rtbench: WARNING ${why}; its figures up to its last report are kept${(o.onGeneratorCrash ?? 'fail') === 'continue' ? ', the run goes on (--on-generator-crash continue)' : ''}`),
      onOutput: (line) => {
        if (++outputLines <= 50) o.warn(line);
        else if (outputLines === 51) o.warn('[generators] more output suppressed');
      },
    });
    await pool.prepare();
    if (o.shard?.startAtWallMs) await waitUntilWall(o.shard.startAtWallMs - 250, o.signal); // the load starts 250 ms after the wait
    o.shard?.onLoadStart(Date.now() + 250);
    if (o.signal?.aborted) pool.interrupt();
    const begun = Date.now();
    loadStart = begun;
    pool.startAt = monoMs() + 250; // the generators' common start instant; faults are timed from it
    if (faults.length > 0) {
      const p = pool;
      timeline = new FaultTimeline({ faults, server, onInjected: (at) => p.faultInjected(at), warn: o.warn });
      timeline.start(pool.startAt);
    }
    ticker = setInterval(() => {
      tick(o, agg, Date.now() - begun);
      const failed = abortCheck(o.thresholds, agg, Date.now() - begun);
      if (failed && !abortedBy.value) {
        abortedBy.value = failed;
        state.status = 'interrupted';
        o.warn(`rtbench: threshold ${failed} failed with abortOnFail: stopping the run`);
        pool?.interrupt();
      }
    }, 1000);
    const outcome = await pool.run();
    health = outcome.health;
    faultRecords = (await timeline?.stop()) ?? [];
    if (server) serverStats = await server.stats();
    crashed = outcome.failures;
    if (outcome.failures.length > 0 && state.status !== 'interrupted' && (o.onGeneratorCrash ?? 'fail') === 'fail') {
      state.status = 'failed';
      failure = { code: 'E_GENERATOR', message: `${outcome.failures.join('; ')} (measured figures are kept; --on-generator-crash continue runs on without it)` };
    }
  } catch (e) {
    if (isRtbenchError(e) && (e.code === 'E_SETUP' || e.code === 'E_SETUP_DATA')) setupError = e; // no load: the whole run stops (below)
    if (state.status !== 'interrupted') state.status = 'failed';
    failure = { code: isRtbenchError(e) ? e.code : 'E_RUN', message: isRtbenchError(e) ? e.format() : String(e) };
    if (!setupError) o.warn(isRtbenchError(e) ? e.format() : `rtbench: run failed: ${String(e)}`);
  } finally {
    clearInterval(ticker);
    if (timeline && faultRecords.length === 0) faultRecords = await timeline.stop();
    o.signal?.removeEventListener('abort', onAbort);
    await pool?.kill();
    const teardown = setupDone && o.lifecycle ? await o.lifecycle.teardown(setupDone.data, { target: url, topology: o.topology }) : null;
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
  const metrics = agg.metrics();
  const durationMs = Date.now() - loadStart;
  const workers = agg.workers(serverStats?.workers.map((w) => w.id) ?? []);
  const result: RunResult = {
    topology: o.topology,
    target: url,
    engine: o.resolved.engine,
    status: state.status,
    startedAt,
    durationMs,
    metrics,
    counters: agg.counters(),
    errors: agg.errors(),
    workers,
    ...(serverStats && serverStats.workers.length ? { server: serverView(serverStats, workers.connections) } : {}),
    timeseries: agg.timeseries(),
    thresholds: evaluateThresholds(o.thresholds, { metrics, counters: agg.counters(), workers, durationMs }),
    ...(abortedBy.value ? { abortedBy: abortedBy.value } : {}),
    ...(faultRecords.length ? { faults: { faults: faultRecords.map((r, i) => ({ ...r, impact: windows.impact(i) })), baselineAckP99: windows.baselineAckP99() } } : {}),
    ...(crashed.length ? { crashedGenerators: crashed } : {}),
    generator: { processes: health, saturation: assessSaturation(health, metrics.lag) },
    ...(failure ? { failure } : {}),
    ...(o.shard?.spec ? { seconds: agg.seconds() } : {}),
  };
  for (const r of o.reporters) r.onRunEnd?.(result);
  return result;
}

/** The server's own counts beside the clients' view; differences are reported, not hidden. */
function serverView(stats: ServerStats, clientConnections: Record<string, number>): ServerView {
  const byId = new Map<string, { total: number }>();
  for (const w of stats.workers) byId.set(w.id, { total: (byId.get(w.id)?.total ?? 0) + w.total });
  const mismatches: string[] = [];
  for (const id of new Set([...byId.keys(), ...Object.keys(clientConnections)])) {
    const server = byId.get(id)?.total ?? 0;
    const client = clientConnections[id] ?? 0;
    if (server !== client) mismatches.push(`${id}: clients report ${client} connections, the server counted ${server}`);
  }
  return { workers: stats.workers, counters: stats.counters, mismatches };
}

/** The first failing abortOnFail threshold on the figures so far, or null. */
function abortCheck(thresholds: Threshold[], agg: Aggregator, elapsedMs: number): string | null {
  const live = thresholds.filter((t) => t.abortOnFail);
  if (live.length === 0) return null;
  const bad = evaluateThresholds(live, { metrics: agg.metrics(), counters: agg.counters(), workers: agg.workers(), durationMs: elapsedMs }).find((r) => !r.ok && r.actual !== null);
  return bad ? `${bad.subject} ${bad.condition} (was ${bad.actual})` : null;
}

function tick(o: TopologyRunOptions, agg: Aggregator, elapsedMs: number): void {
  const last = agg.latest(); // the newest second any generator reported
  const errors = agg.counters().errors ?? 0;
  for (const r of o.reporters) {
    r.onTick?.({
      topology: o.topology,
      elapsedMs,
      totalMs: o.resolved.totalMs,
      connected: last?.connected ?? 0,
      msgsPerSec: last ? last.messagesSent + last.messagesReceived : 0,
      ackP99: last?.ackP99 ?? null,
      errors,
    });
  }
}
