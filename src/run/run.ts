import { basename, join } from 'node:path';
import { ExitCode, type ExitCodeValue } from '../shared/errors.ts';
import { environment } from '../result/environment.ts';
import type { RunFile, RunResult } from '../result/types.ts';
import { runFile } from '../result/run-file.ts';
import { RunCollector } from '../collect/collector.ts';
import { reportersFor } from '../reporters/registry.ts';
import type { Output, Reporter } from './reporter.ts';
import { resolvePlan, type ResolvedRun } from '../plan/plan.ts';
import { runRound } from './round.ts';
import { SpareGenerator } from '../generator/spare.ts';
import { RunStream } from './stream.ts';
import { describePlan } from './dry-run.ts';
import { lifecycleOf, sharedLifecycle } from '../scenario/setup.ts';
import { forTopology } from '../scenario/engines.ts';
import { recordedScenario } from '../scenario/validate.ts';
import { createOutputs, jsonFilesOf, parseOutputs } from '../outputs/index.ts';
import { checkRunOutputs } from './output-check.ts';

/** Options of `run()`; the CLI flags map onto these one to one. */
export interface RunOptions {
  /** Drive this server instead of starting the bundled reference server. */
  target?: string;
  /** Override the scenario's total duration (phases scaled proportionally), with its unit: `'30s'`, `'2m'`. */
  duration?: string;
  /** Output folder. Default `reports/<scenario>-<timestamp>/`. */
  out?: string;
  /** Reference topology (or comma-separated list) instead of the scenario's. */
  topology?: string;
  /** Run each topology this many rounds (per-round figures kept for `compare`). Default 1. */
  repeat?: number;
  /** Generator processes. Default: the scenario's, else sized from the load (src/plan/generators.ts), at most one per core. */
  generators?: number;
  /** No progress line and no summary on stdout. */
  quiet?: boolean;
  /** Also write JUnit XML to this file. */
  junit?: string;
  /** Also write a Markdown summary to this file. */
  summaryMd?: string;
  /** Run only the i-th of N slices of the load (`'i/N'`, 0-based) and write a shard result: src/shard/. */
  shard?: string;
  /** Wait until this wall-clock time (ISO, at most 1 h ahead) to start the load. */
  startAt?: string;
  /** Plan the run, resolve the target, print both and return (exit 0) without connecting to anything or starting a server. */
  dryRun?: boolean;
  /** Where the reference topology runs: local processes (default) or containers (src/containers/). */
  runtime?: 'processes' | 'containers';
  /** Live outputs that stream once a second while the run goes: `json=FILE`, `prometheus=URL` (src/outputs/). */
  outputs?: string[];
  /** Replace the default reporters (progress, summary, json). */
  reporters?: Reporter[];
  /** Abort to interrupt the run: load stops, what was measured is written, status `interrupted`. */
  signal?: AbortSignal;
  /** Where progress and summary go. Default process.stdout. */
  stdout?: Output;
  /** Where warnings and generator output go. Default process.stderr. */
  stderr?: Output;
  /** A generator process that crashes: `fail` the run (default, exit 1) or `continue` with a loud warning. */
  onGeneratorCrash?: 'fail' | 'continue';
  /** Query parameters safe to show (`'a,b'` or `['a', 'b']`): every other query value is REDACTED wherever a URL or connect option is shown or stored. */
  showQuery?: string | readonly string[];
}

/** What `run()` gives back. */
export interface RunOutcome {
  file: RunFile;
  outDir: string;
  exitCode: ExitCodeValue;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'scenario'
  );
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[:]/g, '').replace(/\..+$/, '');
}

/** `reports/<scenario>-<timestamp>`: where a run writes when `--out` is not given. */
export const defaultOutDir = (scenarioName: string): string => join('reports', `${slug(scenarioName)}-${timestamp()}`);

const stdio = (s: NodeJS.WriteStream): Output => ({ write: (t) => void s.write(t), isTTY: Boolean(s.isTTY) });

/**
 * Run a scenario file: against `options.target`, or against each of its reference topologies
 * started on loopback (the embedded default). The path is one way: the plan is resolved once
 * (src/plan/), handed to the generators each round, their snapshots flow on one stream
 * (src/run/stream.ts) into one collector per topology, and one builder makes each `RunResult`.
 * Writes `<out>/result.json` and reports through the reporters. Throws `RtbenchError` for bad
 * input; a failed run is returned with exit code 1.
 */
export async function run(scenarioFile: string, options: RunOptions = {}, given?: SpareGenerator | null): Promise<RunOutcome> {
  const stderr = options.stderr ?? stdio(process.stderr);
  // the first generator starts now (unless the CLI started it already), alongside the plan (time to
  // first connection); killed if unused
  const own = given === undefined && !options.dryRun ? new SpareGenerator(scenarioFile) : null;
  let out = options.out;
  // every output path is made and probed before the first connection: a bad one costs seconds, not a run
  const beforeConnect = async (scenario: { name: string }): Promise<void> => {
    out ??= defaultOutDir(scenario.name);
    await checkRunOutputs(options, out, jsonFilesOf(parseOutputs(options.outputs ?? [])));
  };
  try {
    const resolved = await resolvePlan(scenarioFile, options, (line) => stderr.write(`${line}\n`), { beforeConnect });
    return await runResolved(resolved, out === undefined ? options : { ...options, out }, undefined, given ?? own);
  } finally {
    own?.close();
  }
}

/**
 * Run a plan already resolved (`resolvePlan`): what `run()` does after planning, and what each
 * capacity-search step does with its own phases (src/search/), so no step of the path is visited twice.
 * `collectorOf` lets a caller that runs rounds itself (`rtbench ab`) own a topology's collector
 * across calls: each call adds its rounds to it, and the result returned is of every round so far.
 * `spare`: a generator `run()` forked ahead (src/generator/spare.ts), taken by the first round.
 */
export async function runResolved(
  resolved: Pick<ResolvedRun, 'plan' | 'shardRun' | 'module'>,
  options: RunOptions = {},
  collectorOf?: (topology: string) => RunCollector,
  spare: SpareGenerator | null = null,
): Promise<RunOutcome> {
  const stdout = options.stdout ?? stdio(process.stdout);
  const stderr = options.stderr ?? stdio(process.stderr);
  const warn = (line: string): void => stderr.write(`${line}\n`);
  const { plan, shardRun, module } = resolved;
  const { scenarioFile } = plan;
  const outputSpecs = parseOutputs(options.outputs ?? []);
  if (options.dryRun) {
    const { scenario: resolved, target, topologies, generators, sourceIps } = plan;
    stdout.write(
      describePlan({
        scenarioFile,
        resolved,
        target,
        topologies,
        generators,
        sourceIps,
        thresholds: plan.shard ? null : plan.thresholds,
        connect: module.connect,
        showQuery: new Set(plan.showQuery),
      }),
    );
    const file = runFile(recordedScenario(resolved, scenarioFile), await environment(), []);
    return { file, outDir: '', exitCode: ExitCode.ok };
  }
  const startServer =
    options.runtime === 'containers' && !plan.target
      ? await (await import('../containers/index.ts')).containerServerStarter(plan.topologies, plan.scenario.server.pushRate)
      : undefined;
  for (const n of plan.notes) warn(`rtbench: ${n}`);

  const outDir = options.out ?? defaultOutDir(plan.scenario.name);
  const live = createOutputs(outputSpecs, {
    scenario: plan.scenario.name,
    runId: basename(outDir),
    warn,
    info: (l) => (options.quiet ? undefined : stdout.write(l)),
  });
  const choice = { out: stdout, quiet: options.quiet, junit: options.junit, summaryMd: options.summaryMd };
  // the live outputs end before result.json is written: what they delivered (Prometheus drops) goes into it
  const reporters = options.reporters
    ? [...options.reporters, ...live]
    : [...reportersFor(['progress', 'summary'], choice), ...live, ...reportersFor(['json', 'html', 'junit', 'markdown'], choice)];
  const stream = new RunStream(reporters);
  // the user's own server is set up once for all rounds; an embedded reference server per round (each round starts its own)
  const ownLifecycle = lifecycleOf(module, scenarioFile, plan.scenario.setupTimeoutMs);
  const lifecycle = plan.target ? sharedLifecycle(ownLifecycle) : ownLifecycle;
  const runs: RunResult[] = [];
  for (const topology of plan.topologies) {
    const topologyPlan = { ...plan, scenario: forTopology(plan.scenario, topology) }; // the engine the scenario names for this topology
    const collector =
      collectorOf?.(topology) ??
      new RunCollector({
        topology,
        engine: topologyPlan.scenario.engine,
        rounds: plan.repeat,
        thresholds: plan.thresholds,
        keepSeconds: plan.shard !== null,
        custom: plan.scenario.metrics,
      });
    let rounds = 0;
    for (let round = 0; round < plan.repeat && !options.signal?.aborted; round++) {
      const status = await runRound({
        plan: topologyPlan,
        topology,
        round,
        collector,
        stream,
        warn,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(shardRun ? { shard: shardRun.hooks } : {}),
        ...(startServer ? { startServer } : {}),
        lifecycle,
        ...(spare ? { spare } : {}),
      });
      rounds++;
      if (status !== 'completed') break;
    }
    if (rounds === 0) break;
    const result = collector.result();
    if (plan.repeat === 1 && !collectorOf) stream.runEnd(result); // with rounds, each round's end was reported (src/run/round.ts)
    runs.push(result);
  }
  const file = runFile(recordedScenario(plan.scenario, scenarioFile), await environment(), runs, {
    ...(shardRun?.info() ? { shard: shardRun.info()! } : {}),
    ...(plan.showQuery.length ? { showQuery: plan.showQuery } : {}),
  });
  // each output alone (result.json first): one that cannot be written is named with its fix, the run exits 1
  const writeFailures = await stream.end(file, { outDir });
  for (const e of writeFailures) warn(e.format());
  if (writeFailures.length) return { file, outDir, exitCode: ExitCode.runFailed };
  // interrupted before any load started: nothing was measured, and that is not a pass
  return { file, outDir, exitCode: runs.length === 0 && options.signal?.aborted ? ExitCode.interrupted : exitCodeOf(runs) };
}

/**
 * One exit code for the whole file: failed run > stopped by an abortOnFail threshold (99) >
 * interrupted by the user (130: its thresholds are on partial data, marked so) > thresholds > ok.
 */
export function exitCodeOf(runs: RunResult[]): ExitCodeValue {
  if (runs.some((r) => r.status === 'failed')) return ExitCode.runFailed;
  if (runs.some((r) => r.abortedBy)) return ExitCode.thresholdsFailed;
  if (runs.some((r) => r.status === 'interrupted')) return ExitCode.interrupted;
  if (runs.some((r) => r.thresholds.some((t) => !t.ok))) return ExitCode.thresholdsFailed;
  return ExitCode.ok;
}
