import type { IntervalSnapshot } from '../metrics/snapshot.ts';
import type { RunFile, RunResult, TimeseriesPoint } from '../result/types.ts';

/** What a reporter learns when a topology run starts. */
export interface RunStartInfo {
  scenario: string;
  topology: string;
  target: string;
  engine: string;
  totalMs: number;
  generators: number;
  sourceIps: number;
  /** With `--repeat N`: this round (0-based) of `of`. */
  round?: { index: number; of: number };
  /** A capacity-search step: its arrival rate (sessions/s). */
  step?: { rate: number };
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
  /** The newest complete second of the run, as it will appear in `timeseries` (null before the first). */
  point: TimeseriesPoint | null;
  /** The figures of the run so far (merged histograms, counters, workers): computed only when called. */
  figures(): RunFigures;
}

/** The whole-run figures thresholds are evaluated on. */
export type RunFigures = Pick<RunResult, 'metrics' | 'counters' | 'workers' | 'durationMs'>;

/**
 * The one stream interface (src/run/stream.ts): every consumer of a run — the aggregator that
 * builds the result, fault windows, abortOnFail thresholds, the progress line, live outputs and
 * the end-of-run reporters — implements some of these hooks. All hooks are optional.
 */
export interface Reporter {
  readonly name: string;
  onRunStart?(info: RunStartInfo): void;
  /** Every generator's interval snapshot as it arrives (several per second with several generators). */
  onSnapshot?(s: IntervalSnapshot): void;
  /** About once a second: the run so far. */
  onTick?(tick: ProgressTick): void;
  /** One topology's result (after all its rounds). */
  onRunEnd?(run: RunResult): void;
  /** The whole result, once. `outDir` is where files go. */
  onEnd?(file: RunFile, ctx: { outDir: string }): void | Promise<void>;
}

/** Where reporters write text. */
export interface Output {
  write(text: string): void;
  isTTY: boolean;
}
