/**
 * The result data model: plain, serialisable, versioned. Everything rtbench writes
 * (result.json, console summary, later HTML/JUnit) is a pure function of these types.
 */

/** Schema identifier written into every result file. */
export const RESULT_SCHEMA = 'rtbench.result/v1' as const;

/** Summary of one HDR histogram. All times are milliseconds. */
export interface MetricSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** The histogram itself, `encodeIntoCompressedBase64` of hdr-histogram-js (values in microseconds). */
  hdr: string;
}

/** Counters of one run. Names are dotted, e.g. `sessions.started`, `messages.sent`. */
export type Counters = Record<string, number>;

/** Errors by kind (e.g. `connect_error`, `ack_timeout`, `session_error`), each with a sample message. */
export type ErrorTable = Record<string, { count: number; sample: string }>;

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
}

/** Verdict on whether the load generator itself limited the measurement. */
export interface Saturation {
  saturated: boolean;
  /** Human-readable reasons, empty when not saturated. */
  reasons: string[];
}

/** One threshold's verdict on a run. */
export interface ThresholdResult {
  subject: string;
  condition: string;
  /** The measured figure (ms for latencies, fraction for rates), null when not measured. */
  actual: number | null;
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
}

/** One topology run (one entry of `runs`). */
export interface RunResult {
  topology: string;
  target: string;
  engine: string;
  status: 'completed' | 'failed' | 'interrupted';
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
    saturation: Saturation;
  };
  /** Per-round figures when the run was repeated (`--repeat N`), for noise-aware comparisons. */
  rounds?: RoundFigures[];
  /** Threshold verdicts, failed ones first (empty without thresholds). */
  thresholds: ThresholdResult[];
  /** Set when a threshold with `abortOnFail` stopped the run early. */
  abortedBy?: string;
  /** Set when status is `failed`. */
  failure?: { code: string; message: string };
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
}
