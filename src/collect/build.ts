/**
 * The one result builder: every `RunResult` — a run, the rounds of `--repeat`, a merge of shards —
 * is built here from one Aggregator (the one merge path) and the facts around it.
 */
import type { Aggregator } from '../metrics/aggregate.ts';
import { assessSaturation } from '../metrics/health.ts';
import { evaluateThresholds } from '../thresholds/evaluate.ts';
import type { Threshold } from '../thresholds/parse.ts';
import type { FaultSection } from '../result/faults.ts';
import type { GeneratorHealth, HarnessDelay, HostSentinel, MetricSummary, RoundFigures, RunResult, ServerView } from '../result/types.ts';
import type { RunEnd } from '../result/run-end.ts';

/** What a result is built from besides the aggregated figures: the facts around them, and how the run ended. */
export type ResultParts = ResultFacts & RunEnd;

/** The facts a result is built from, all but how the run ended. */
export interface ResultFacts {
  topology: string;
  target: string;
  engine: string;
  startedAt: string;
  durationMs: number;
  /** Every generator process's health (of every round, of every shard). */
  processes: GeneratorHealth[];
  /** The coordinator's own event-loop delay over the load: how busy the host was (null when not measured). */
  sentinel?: HostSentinel | null;
  /** The reference server's own counts (bundled topologies). */
  server?: Omit<ServerView, 'mismatches'> | null;
  /** Worker ids known without a client reaching them (e.g. from shards), listed with 0. */
  knownWorkers?: string[];
  faults?: FaultSection;
  crashed?: string[];
  abortedBy?: string | null;
  rounds?: RoundFigures[];
  /** Keep the lossless per-second records (shard results, for `rtbench merge`). */
  keepSeconds?: boolean;
}

/** Build a `RunResult`: figures from the aggregator, saturation from every process, thresholds on the whole. */
export function buildRunResult(agg: Aggregator, p: ResultParts, thresholds: Threshold[]): RunResult {
  const metrics = agg.metrics();
  const counters = withLost(agg.counters());
  const workers = agg.workers([...(p.server?.workers.map((w) => w.id) ?? []), ...(p.knownWorkers ?? [])]);
  const partial = p.status !== 'completed';
  return {
    topology: p.topology,
    target: p.target,
    engine: p.engine,
    ...endOf(p),
    startedAt: p.startedAt,
    durationMs: p.durationMs,
    metrics,
    counters,
    errors: agg.errors(),
    workers,
    ...(p.server?.workers.length ? { server: serverView(p.server, workers.connections) } : {}),
    timeseries: agg.timeseries(),
    thresholds: evaluateThresholds(thresholds, { metrics, counters, workers, durationMs: p.durationMs }),
    ...(partial && thresholds.length ? { thresholdsOnPartialData: true } : {}),
    ...(p.abortedBy ? { abortedBy: p.abortedBy } : {}),
    ...(p.faults ? { faults: p.faults } : {}),
    ...(p.crashed?.length ? { crashedGenerators: p.crashed } : {}),
    generator: {
      processes: p.processes,
      ...(metrics.harness ? { harnessDelay: harnessDelay(metrics.harness) } : {}),
      saturation: assessSaturation(p.processes, metrics.lag, p.sentinel ?? null, undefined, metrics.harness),
    },
    ...(p.rounds ? { rounds: p.rounds } : {}),
    ...(p.keepSeconds ? { seconds: agg.seconds() } : {}),
  };
}

/**
 * `sessions.lost`: sessions started that ended in none of completed, failed or interrupted: those a
 * generator that died had in flight (its last report counted their start, nothing their end).
 * Every finished run accounts for each session; a lost one fails the default gate.
 */
export function withLost(c: Record<string, number>): Record<string, number> {
  const lost = (c['sessions.started'] ?? 0) - (c['sessions.completed'] ?? 0) - (c['sessions.failed'] ?? 0) - (c['sessions.interrupted'] ?? 0);
  return lost > 0 ? { ...c, 'sessions.lost': lost } : c;
}

/** `generator.harnessDelay`: the `harness` metric's percentiles. */
function harnessDelay(m: MetricSummary): HarnessDelay {
  return { count: m.count, p50: m.p50, p90: m.p90, p99: m.p99, max: m.max };
}

/** How a run ended, as its result records it: the status, and the failure when there is one. */
export function endOf(e: RunEnd): RunEnd {
  if (e.status === 'failed') return { status: 'failed', failure: e.failure };
  if (e.status === 'interrupted') return e.failure ? { status: 'interrupted', failure: e.failure } : { status: 'interrupted' };
  return { status: 'completed' };
}

/** The server's own counts beside the clients' view; differences are reported, not hidden. */
function serverView(stats: Omit<ServerView, 'mismatches'>, clientConnections: Record<string, number>): ServerView {
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
