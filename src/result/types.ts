/**
 * The result data model: plain, serialisable, versioned. Everything rtbench writes
 * (result.json, console summary, later HTML/JUnit) is a pure function of these types.
 */
import type { MetricSummary } from './metric.ts';
import type { FaultSection } from './faults.ts';
import type { RunEnd } from './run-end.ts';

export type { MetricSummary };
export type { FaultImpact, FaultReport, FaultSection } from './faults.ts';

/** Schema identifier written into every result file. */
export const RESULT_SCHEMA = 'rtbench.result/v1' as const;

/** Counters of one run. Names are dotted, e.g. `sessions.started`, `messages.sent`. */
export type Counters = Record<string, number>;

/** Most frequent distinct messages kept per error kind in a result. */
export const ERROR_MESSAGES_PER_KIND = 5;

/**
 * Errors by kind (e.g. `connect_error`, `ack_timeout`, `session_error`): the count, the first
 * message (`sample`), and the 5 most frequent distinct messages each with its count (`messages`,
 * most frequent first; the others are counted in `count` only). A message is its normalised form
 * (numbers, ids, hex, UUIDs, addresses as `<n>`, `<id>`, `<hex>`, `<uuid>`, `<ip>`: src/metrics/errors.ts)
 * with one raw `example` when it differs.
 */
export type ErrorTable = Record<string, { count: number; sample: string; messages?: Array<{ message: string; count: number; example?: string }> }>;

/** One second of the run's time series. `t` is the second index from the run start. */
export interface TimeseriesPoint {
  t: number;
  /** Connected clients at the end of the second (summed over generators). */
  connected: number;
  sessionsStarted: number;
  messagesSent: number;
  messagesReceived: number;
  errors: number;
  /** Ack latency percentiles within this second (ms), null when no ack completed. */
  ackP50: number | null;
  ackP99: number | null;
  connectP99: number | null;
  /** `request()` latency p99 within this second (ms; ws engine raw frames), present when a request completed. */
  requestP99?: number | null;
  /** Token streams' time to first event (`sse:first`) p99 within this second (ms; sse engine), present when a stream gave its first event. */
  sseFirstP99?: number | null;
  /**
   * The scenario's custom metrics within this second (present when it declares any): each
   * declared trend's sample count and percentiles (ms; null without samples), each declared
   * counter's increase.
   */
  custom?: { trends: Record<string, SecondTrend>; counters: Record<string, number> };
  /** Checks that passed and failed within this second (present when the run made any check). */
  checks?: { pass: number; fail: number };
}

/** One custom trend within one second of the time series. */
export interface SecondTrend {
  count: number;
  p50: number | null;
  p99: number | null;
}

/**
 * One second of the time series before it is reduced to percentiles (shard results only):
 * all counters of that second, the encoded ack and connect histograms of that second, and the
 * connected gauge. `rtbench merge` rebuilds the merged series from these exactly.
 */
export interface SecondRecord {
  t: number;
  counters: Counters;
  ack?: string;
  connect?: string;
  request?: string;
  sseFirst?: string;
  /** Encoded histograms of this second for each declared custom trend with samples. */
  trends?: Record<string, string>;
  connected: number;
}

/** Worker distribution: worker id → connections, plus imbalance figures. */
export interface WorkerDistribution {
  connections: Record<string, number>;
  /** Clients that connected but never learned their worker (no `welcome` from the server). */
  unidentified: number;
  /** max / mean of connections per worker (1 = perfectly even). null with no identified worker. */
  maxOverMean: number | null;
  /** Coefficient of variation (stddev / mean) of connections per worker. */
  cv: number | null;
  /** Share of all identified connections on the busiest worker (1 = everything on one). */
  maxShare: number | null;
  /** Chi-square goodness of fit against an even spread; a small pValue means uneven. */
  chiSquare: { statistic: number; df: number; pValue: number } | null;
  /** Share of reconnecting clients that came back to the same worker (null without reconnects). */
  stickiness: number | null;
}

/** The server's own view of the run (reference topologies), compared with what clients reported. */
export interface ServerView {
  workers: Array<{ id: string; pid: number; current: number; total: number; messages?: number }>;
  counters: Record<string, number>;
  /** Differences between client-reported and server-counted connections per worker. */
  mismatches: string[];
}

/** Health of one generator process over the run. */
export interface GeneratorHealth {
  index: number;
  pid: number;
  /** CPU use in percent of one core: mean and max over the per-second samples. */
  cpuMean: number;
  cpuMax: number;
  /** Share of seconds with CPU above the saturation bound, 0..1. */
  cpuHotShare: number;
  /** Number of seconds with CPU above the saturation bound. */
  cpuHotSeconds: number;
  /** Event-loop delay (ms) from `monitorEventLoopDelay`. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** GC pauses: total and longest (ms). */
  gcPauseTotal: number;
  gcPauseMax: number;
  /** Resident set size (MB): max seen. */
  rssMaxMb: number;
  /** Peak concurrent clients held by this generator. */
  peakClients: number;
  /** The process died before it finished: these figures are of the per-second reports it sent before. */
  crashed?: boolean;
}

/** `runs[i].generator.harnessDelay`: percentiles of the `harness` metric (ms). */
export interface HarnessDelay {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The coordinator's own event-loop delay over the load: a plain, nearly idle process on the same host. */
export interface HostSentinel {
  loopDelayP99: number;
  loopDelayMax: number;
}

/**
 * Verdict on what limited the measurement. `generator`: a generator's own CPU, or its event-loop
 * delay well above the sentinel's on the same host — latencies include the generator's delay.
 * `host`: the generators and the sentinel were delayed alike — other work on this machine (the
 * server, other processes) took the CPU, and latencies include that scheduling delay.
 */
export interface Saturation {
  /** True when the generator itself limited the measurement (verdict `generator`). */
  saturated: boolean;
  /** Absent in results written before the verdict existed (read them as `generator` when `saturated`). */
  verdict?: 'ok' | 'generator' | 'host';
  /** Human-readable reasons for the verdict, empty when `ok`. */
  reasons: string[];
  sentinel?: HostSentinel;
}

/** One threshold's verdict on a run. */
export interface ThresholdResult {
  subject: string;
  condition: string;
  /** The measured figure (ms for latencies, fraction for rates), null when not measured. */
  actual: number | null;
  /** How `actual` reads: ms, a fraction (shown as %), a plain number, or per second. */
  unit?: 'ms' | 'fraction' | 'number' | 'perSecond';
  ok: boolean;
  abortOnFail: boolean;
  note?: string;
}

/** One round's figures (`--repeat`): what `compare` and `ab` test across rounds. */
export interface RoundFigures {
  metrics: Record<string, { p50: number; p90: number; p99: number; p999: number; mean: number }>;
  /** Messages sent + received per second. */
  throughput: number;
  errorRate: number;
  status?: RunResult['status'];
  durationMs?: number;
  /** This round's seconds in the run's `timeseries` (rounds are placed end to end), `to` exclusive. */
  seconds?: { from: number; to: number };
  /** This round's saturation verdict. */
  saturation?: NonNullable<Saturation['verdict']>;
}

/** One topology run (one entry of `runs`): its figures and facts, and how it ended (`status`, `failure`). */
export type RunResult = RunFacts & RunEnd;

/** A run's figures and facts, all but how it ended. */
export interface RunFacts {
  topology: string;
  target: string;
  engine: string;
  startedAt: string;
  durationMs: number;
  metrics: Record<string, MetricSummary>;
  counters: Counters;
  errors: ErrorTable;
  workers: WorkerDistribution;
  /** Present for the bundled reference topologies. */
  server?: ServerView;
  timeseries: TimeseriesPoint[];
  generator: {
    processes: GeneratorHealth[];
    /**
     * The harness's own share of each operation (ms): how late each timed operation was written
     * against its intended time, merged as an HDR histogram across generators, rounds and shards
     * (the `harness` metric). Latencies include at most about this much of the generator's own
     * delay. Absent when no operation was timed, and in results written before it existed.
     */
    harnessDelay?: HarnessDelay;
    saturation: Saturation;
  };
  /** Per-round figures when the run was repeated (`--repeat N`), for noise-aware comparisons. */
  rounds?: RoundFigures[];
  /** Threshold verdicts, failed ones first (empty without thresholds). */
  thresholds: ThresholdResult[];
  /** Set when the run did not complete (interrupted, failed): the thresholds judged partial data. */
  thresholdsOnPartialData?: boolean;
  /** Set when a threshold with `abortOnFail` stopped the run early. */
  abortedBy?: string;
  /** The scenario's fault timeline as it happened, with what each fault cost (see src/result/faults.ts). */
  faults?: FaultSection;
  /** Generator processes that crashed (their figures up to their last report are kept). */
  crashedGenerators?: string[];
  /** Shard results only: the lossless per-second series that `rtbench merge` aligns by wall clock. */
  seconds?: SecondRecord[];
}

/** How a shard's clock was compared with the reference clock (the target's). */
export type ClockMethod = 'rtbench-time' | 'http-date' | 'none';

/** A shard's clock against the reference (the target): offset = reference − local. */
export interface ClockEstimate {
  method: ClockMethod;
  /** Reference wall clock minus this host's wall clock, ms (0 when `method` is `none`). */
  offsetMs: number;
  /**
   * Reference monotonic clock minus this host's monotonic clock, ms: what cross-host timestamps
   * (broadcast send times, broadcast/push receive times) were corrected by. With `http-date` it is
   * derived from the wall-clock offset.
   */
  monoOffsetMs: number;
  /** ± bound of both offsets, ms: half the smallest round trip (`rtbench-time`), or half the Date-header window (`http-date`); null for `none`. */
  uncertaintyMs: number | null;
  /** Round trips that answered. */
  samples: number;
  /** Smallest round trip, ms (null without an answer). */
  minRttMs: number | null;
  /**
   * The target is on this host (loopback): one system-wide monotonic clock, so no correction was
   * applied to cross-host timestamps (the estimate above is kept as a check of the method).
   */
  sameHost?: boolean;
  note?: string;
}

/** Present in a shard result (`rtbench run --shard i/N`). */
export interface ShardInfo {
  /** 0-based shard index. */
  index: number;
  count: number;
  /** Wall-clock time (this host's clock, ISO) of the load's second 0. */
  startedAt: string;
  /** Reference clock minus this host's clock (ms), when it could be estimated. */
  clockOffsetMs?: number;
  clock?: ClockEstimate;
}

/** Present in a result made by `rtbench merge` / `rtbench collect`. */
export interface MergeInfo {
  shards: Array<{ index: number; hostname: string; startedAt: string; shiftSeconds: number; status: RunResult['status']; clock?: ClockEstimate }>;
  /**
   * Uncertainty (ms) of latencies measured across hosts (`broadcast` and `push` fan-out): the
   * largest clock-offset uncertainty of any shard. null when some shard had no estimate.
   */
  fanoutUncertaintyMs: number | null;
  notes: string[];
}

/** Environment the run happened in. */
export interface Environment {
  rtbench: string;
  node: string;
  platform: string;
  arch: string;
  cpus: { model: string; count: number };
  memoryGb: number;
  hostname: string;
  gitSha: string | null;
}

/** The whole result file. */
export interface RunFile {
  schema: typeof RESULT_SCHEMA;
  scenario: { name: string; file: string; options: unknown };
  environment: Environment;
  createdAt: string;
  runs: RunResult[];
  /** Set in shard results. */
  shard?: ShardInfo;
  /** Set in merged results. */
  merged?: MergeInfo;
  /** Set by a capacity search (`--find-max`): each topology's steps, every step's whole result, the figure. */
  search?: SearchResult[];
  /** Query parameters the user named safe to show (`--show-query`); every other query value in URLs here is `REDACTED`. */
  showQuery?: string[];
  /** What each live output (`--output`) delivered: `where` the file or endpoint as shown, `sent` samples (JSON: lines), `dropped` samples never delivered. */
  outputs?: Array<{ kind: 'json' | 'prometheus'; where: string; sent: number; dropped: number }>;
}

// ── capacity search (`rtbench run --find-max`, src/search/) ──

/**
 * How a capacity search runs (scenario `search` block, or `rtbench run --find-max`). Rates are
 * open-model arrivals (new sessions) per second: a step runs the scenario's session function at one
 * constant `arrivalRate` for `stepMs`.
 */
export interface SearchOptions {
  /** First offered rate (sessions/s). */
  fromRate: number;
  /** Never offer more than this; reaching it while every step holds gives a lower bound. */
  maxRate: number;
  /** While steps hold, the next rate is this many times the last (> 1). */
  factor: number;
  /** Bisect until the gap between the highest rate that held and the lowest that failed is at most this fraction of the former. */
  precision: number;
  /** Duration of each step's load (ms). */
  stepMs: number;
  /** At most this many steps (retries included). */
  maxSteps: number;
}

/** What stopped the search, i.e. what the figure means. */
export type SearchLimit =
  /** A step failed the SLO with a healthy generator: the server's capacity lies between `maxRate` and the lowest failing rate. */
  | 'server'
  /** The failing step just above the figure failed twice under a saturated generator (or a busy host): the figure is a lower bound. */
  | 'generator'
  | 'host'
  /** Every step up to the rate cap held: a lower bound. */
  | 'rate-cap'
  /** The step budget ran out before the bisection closed. */
  | 'max-steps'
  /** Even the lowest rate tried failed the SLO. */
  | 'below-min'
  /** A step did not complete (the server died, the run was interrupted). */
  | 'run-failed';

/** One step of a search: one short open-model run at `rate`. */
export interface SearchStep {
  rate: number;
  /** The step held the SLO: it completed and every threshold passed. */
  passed: boolean;
  /** A repeat of the step before it (a failure under a saturated generator or a busy host is retried once). */
  retry: boolean;
  status: RunResult['status'];
  /** The generator verdict: ok, generator (saturated) or host (busy host). */
  generator: 'ok' | 'generator' | 'host';
  /**
   * A failed step whose latency thresholds were missed by more than the generator's own delay
   * could add (its event-loop delay p99 plus the schedule lag p99): the server's failure even
   * when the generator was flagged.
   */
  beyondHarness: boolean;
  /** Sessions started per second (achieved offered rate) and messages per second. */
  sessionsPerSec: number;
  msgsPerSec: number;
  /** Each threshold's verdict at this step. */
  thresholds: ThresholdResult[];
  /** p50/p99 (ms) of the latency metrics the thresholds name (and `ack`, `connect`). */
  latency: Record<string, { p50: number; p99: number }>;
  /** The step's whole result (metrics with HDR histograms, counters, series). */
  result: RunResult;
}

/** The search on one topology. */
export interface SearchResult {
  topology: string;
  options: SearchOptions;
  /** The thresholds that define the SLO, as written. */
  slo: string[];
  steps: SearchStep[];
  /** The highest rate that held (sessions/s), or null when none did. */
  maxRate: number | null;
  /** Its achieved messages per second. */
  maxMsgsPerSec: number | null;
  /** The lowest rate that failed for the server's sake, or null. */
  failedAt: number | null;
  limit: SearchLimit;
  /** True when `maxRate` is only a lower bound of the server's capacity (see `limit`). */
  lowerBound: boolean;
  /** One sentence: what the figure means. */
  verdict: string;
}
