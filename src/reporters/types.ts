import type { RunFile, RunResult } from '../result/types.ts';

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

/**
 * The one reporter interface: every output (progress line, console summary, result.json,
 * later HTML/JUnit/Markdown) consumes the same stream of events. All hooks are optional.
 */
export interface Reporter {
  readonly name: string;
  onRunStart?(info: RunStartInfo): void;
  onTick?(tick: ProgressTick): void;
  onRunEnd?(run: RunResult): void;
  /** The whole result, once. `outDir` is where files go. */
  onEnd?(file: RunFile, ctx: { outDir: string }): void | Promise<void>;
}

/** Where reporters write text. */
export interface Output {
  write(text: string): void;
  isTTY: boolean;
}
