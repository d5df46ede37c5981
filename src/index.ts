/**
 * rtbench public API. Explicit named exports only.
 *
 * Kept light: a scenario file imports this module for `defineScenario` (in the CLI and in every
 * generator process), so the heavy entry points (`run`, `cli`, `startReferenceServer`) import
 * their modules when first called, not when this module loads.
 */
export { defineScenario } from './scenario/types.ts';
export type {
  Scenario,
  Phase,
  ArrivalPhase,
  VusPhase,
  Ramp,
  SessionContext,
  SessionFn,
  SearchBlock,
  Fault,
  SequenceDecl,
  SequenceField,
  MessageParser,
} from './scenario/types.ts';
export type { Duration } from './shared/duration.ts';
export type { EngineName } from './clients/engine-name.ts';
export type { Client, AckEmitter, WorkerInfo, ConnectOptions, RawMessage, MessageMatch, RequestOptions, ReconnectInfo } from './clients/types.ts';
export { ClientOpError } from './clients/types.ts';
export type { RunOptions, RunOutcome } from './run/run.ts';
export type { SearchOutcome } from './search/run-search.ts';
export type { Reporter, ProgressTick, RunStartInfo, Output } from './run/reporter.ts';
export { ExitCode, RtbenchError, InputError, RunError } from './shared/errors.ts';
export type { ErrorCode } from './shared/errors.ts';
export type { TopologyName } from './shared/topology-names.ts';
export { RESULT_SCHEMA } from './result/types.ts';
export type {
  RunFile,
  RunResult,
  MetricSummary,
  WorkerDistribution,
  GeneratorHealth,
  Saturation,
  TimeseriesPoint,
  SearchResult,
  SearchStep,
  SearchOptions,
} from './result/types.ts';
export type { ServerHandle, StartOptions } from '../reference-server/index.ts';
export type { CliIO } from './cli/io.ts';

import type { RunOptions, RunOutcome } from './run/run.ts';
import type { SearchOutcome } from './search/run-search.ts';
import type { CliIO } from './cli/io.ts';
import type { ServerHandle, StartOptions } from '../reference-server/index.ts';

/**
 * Run a scenario file: against `options.target`, or against each of its reference topologies
 * started on loopback (the embedded default). Writes `<out>/result.json` and reports through
 * the reporters. Throws `RtbenchError` for bad input; a failed run resolves with exit code 1.
 */
export async function run(scenarioFile: string, options: RunOptions = {}): Promise<RunOutcome> {
  return (await import('./run/run.ts')).run(scenarioFile, options);
}

/** Find the highest arrival rate at which the scenario holds its thresholds, per topology (`--find-max`). */
export async function runSearch(scenarioFile: string, options: RunOptions = {}): Promise<SearchOutcome> {
  return (await import('./search/run-search.ts')).runSearch(scenarioFile, options);
}

/** The command line as a function: parse `argv`, run the command, resolve with the exit code (never exits). */
export async function cli(argv: string[], io?: CliIO): Promise<number> {
  return (await import('./cli/main.ts')).cli(argv, io);
}

/** Start the reference server (any topology) in a child process on loopback; resolves once it is ready. */
export async function startReferenceServer(o: StartOptions): Promise<ServerHandle> {
  return (await import('../reference-server/index.ts')).startReferenceServer(o);
}
