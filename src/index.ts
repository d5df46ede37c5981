/**
 * rtbench public API. Explicit named exports only.
 */
export { defineScenario } from './scenario/types.ts';
export type { Scenario, Phase, ArrivalPhase, VusPhase, Ramp, Duration, EngineName, SessionContext, SessionFn, SearchBlock } from './scenario/types.ts';
export type { Client, AckEmitter, WorkerInfo, ConnectOptions, RawMessage, MessageMatch, RequestOptions } from './clients/types.ts';
export { ClientOpError } from './clients/types.ts';
export { run } from './run/run.ts';
export type { RunOptions, RunOutcome } from './run/run.ts';
export { runSearch } from './search/run-search.ts';
export type { SearchOutcome } from './search/run-search.ts';
export { cli } from './cli/main.ts';
export type { Reporter, ProgressTick, RunStartInfo, Output } from './reporters/types.ts';
export { ExitCode, RtbenchError, InputError, RunError } from './shared/errors.ts';
export type { ErrorCode } from './shared/errors.ts';
export { RESULT_SCHEMA } from './result/types.ts';
export type { RunFile, RunResult, MetricSummary, WorkerDistribution, GeneratorHealth, Saturation, TimeseriesPoint, SearchResult, SearchStep, SearchOptions } from './result/types.ts';
export { startReferenceServer, type ServerHandle } from '../reference-server/index.ts';
