import type { Counters, RunFile, RunResult, TimeseriesPoint } from '../result/types.ts';

/** What a reporter learns when a topology run starts. */
export interface RunStartInfo {
  scenario: string;
  topology: string;
  target: string;
  engine: string;
  totalMs: number;
  generators: number;
  sourceIps: number;
}

/** One progress tick (about once a second) of the run in progress. */
export interface ProgressTick {
  topology: string;
  elapsedMs: number;
  totalMs: number;
  connected: number;
  /** Messages sent + received in the last second. */
  msgsPerSec: number;
  /** Ack p99 (ms) over the run so far, null before the first ack. */
  ackP99: number | null;
  errors: number;
}

/** One latency metric's figures over the run so far (live outputs). */
export interface LiveLatency {
  count: number;
  /** Sum of all values, ms. */
  sumMs: number;
  p50: number;
  p99: number;
  max: number;
  /** Cumulative counts at or below each bound of `LIVE_BOUNDS_MS` (src/outputs/sample.ts). */
  le: number[];
}

/**
 * The run so far, once a second (and once more at the end, `final`): what live outputs
 * (`--output json=…`, `--output prometheus=…`) stream. Counters and latencies are cumulative.
 */
export interface LiveSample {
  topology: string;
  /** Wall-clock time of the sample (ms since the epoch). */
  timeMs: number;
  elapsedMs: number;
  final: boolean;
  counters: Counters;
  /** Errors by kind, cumulative. */
  errors: Record<string, number>;
  connected: number;
  latency: Record<string, LiveLatency>;
  /** The newest complete second of the time series (null before the first). */
  second: TimeseriesPoint | null;
}

/**
 * The one reporter interface: every output (progress line, console summary, result.json,
 * later HTML/JUnit/Markdown) consumes the same stream of events. All hooks are optional.
 */
export interface Reporter {
  readonly name: string;
  onRunStart?(info: RunStartInfo): void;
  onTick?(tick: ProgressTick): void;
  /** The cumulative figures once a second, and once more at the end of each topology run (`final`). */
  onSample?(sample: LiveSample): void;
  onRunEnd?(run: RunResult): void;
  /** The whole result, once. `outDir` is where files go. */
  onEnd?(file: RunFile, ctx: { outDir: string }): void | Promise<void>;
}

/** Where reporters write text. */
export interface Output {
  write(text: string): void;
  isTTY: boolean;
}
