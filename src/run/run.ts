import os from 'node:os';
import { join } from 'node:path';
import { ExitCode, InputError, type ExitCodeValue } from '../shared/errors.ts';
import { environment } from '../result/environment.ts';
import { resolveSourceIps } from '../generator/source-ips.ts';
import { loadScenario } from '../scenario/load.ts';
import { missingUnit, parseDuration } from '../scenario/duration.ts';
import { withTotalDuration, type ResolvedScenario } from '../scenario/validate.ts';
import { RESULT_SCHEMA, type RunFile, type RunResult } from '../result/types.ts';
import { jsonReporter } from '../reporters/json.ts';
import { htmlReporter } from '../reporters/html/index.ts';
import { junitReporter } from '../reporters/junit.ts';
import { markdownReporter } from '../reporters/markdown.ts';
import { progressReporter } from '../reporters/progress.ts';
import { summaryReporter } from '../reporters/summary.ts';
import type { Output, Reporter } from '../reporters/types.ts';
import { getTopology, parseTopologySpec } from '../../reference-server/topologies/index.ts';
import { checkReachable, describeTarget, parseTarget, type Target } from '../target/target.ts';
import { describePlan } from './dry-run.ts';
import { runTopology } from './run-topology.ts';
import { probeSocketIo } from '../target/probe.ts';
import { machineLimits, planCapacity } from './capacity.ts';
import { peakVus } from '../executors/plan.ts';
import { parseThresholds } from '../thresholds/parse.ts';
import { evaluateThresholds } from '../thresholds/evaluate.ts';
import { combineRounds } from '../compare/rounds.ts';
import { checkShardOptions } from '../shard/options.ts';
import { prepareShardRun, runSourceIps } from '../shard/run-shard.ts';
import { lifecycleOf } from '../scenario/setup.ts';

/** Options of `run()`; the CLI flags map onto these one to one. */
export interface RunOptions {
  /** Drive this server instead of starting the bundled reference server. */
  target?: string;
  /** Override the scenario's total duration (phases scaled proportionally): ms or `'30s'`. */
  duration?: number | string;
  /** Output folder. Default `reports/<scenario>-<timestamp>/`. */
  out?: string;
  /** Reference topology (or comma-separated list) instead of the scenario's. */
  topology?: string;
  /** Run each topology this many rounds (per-round figures kept for `compare`). Default 1. */
  repeat?: number;
  /** Generator processes. Default: the scenario's, else one per core. */
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
  /** A shard inside Kubernetes may load a non-loopback target (set by `rtbench k8s` manifests only). */
  allowRemoteTarget?: boolean;
  /** Plan the run, resolve the target, print both and return (exit 0) without connecting to anything or starting a server. */
  dryRun?: boolean;
  /** Where the reference topology runs: local processes (default) or containers (src/containers/). */
  runtime?: 'processes' | 'containers';
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
}

/** What `run()` gives back. */
export interface RunOutcome {
  file: RunFile;
  outDir: string;
  exitCode: ExitCodeValue;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario';
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[:]/g, '').replace(/\..+$/, '');
}

const stdio = (s: NodeJS.WriteStream): Output => ({ write: (t) => void s.write(t), isTTY: Boolean(s.isTTY) });

/** Check the options that do not need the scenario; every problem at once. */
function checkOptions(o: RunOptions): { totalMs: number | null } {
  const problems: string[] = [];
  let totalMs: number | null = null;
  if (o.duration !== undefined) {
    totalMs = parseDuration(o.duration);
    if (totalMs === null || totalMs <= 0) problems.push(`\`--duration\` must be a positive duration like 30s or 2m (got ${String(o.duration)})${missingUnit(o.duration)}`);
  }
  if (o.repeat !== undefined && (!Number.isInteger(o.repeat) || o.repeat < 1 || o.repeat > 100)) problems.push(`\`--repeat\` must be a whole number from 1 to 100 (got ${String(o.repeat)})`);
  if (o.generators !== undefined && (!Number.isInteger(o.generators) || o.generators < 1 || o.generators > 256)) {
    problems.push(`\`--generators\` must be a whole number from 1 to 256 (got ${String(o.generators)})`);
  }
  if (o.onGeneratorCrash !== undefined && o.onGeneratorCrash !== 'fail' && o.onGeneratorCrash !== 'continue') {
    problems.push(`\`--on-generator-crash\` must be fail or continue (got ${String(o.onGeneratorCrash)})`);
  }
  if (problems.length) throw new InputError('E_USAGE', 'invalid options', { details: problems, hint: 'see `rtbench run --help`' });
  return { totalMs };
}

/**
 * Run a scenario file: against `options.target`, or against each of its reference topologies
 * started on loopback (the embedded default). Writes `<out>/result.json` and reports through
 * the reporters. Throws `RtbenchError` for bad input; a failed run is returned with exit code 1.
 */
export async function run(scenarioFile: string, options: RunOptions = {}): Promise<RunOutcome> {
  const stdout = options.stdout ?? stdio(process.stdout);
  const stderr = options.stderr ?? stdio(process.stderr);
  const { totalMs } = checkOptions(options);
  const shardPlan = checkShardOptions(options);
  const target: Target | null = options.target ? await parseTarget(options.target) : null;
  const loaded = await loadScenario(scenarioFile);
  let resolved: ResolvedScenario = totalMs ? withTotalDuration(loaded.resolved, totalMs) : loaded.resolved;
  if (resolved.requiresTarget && !target) {
    throw new InputError('E_USAGE', `scenario ${scenarioFile} needs an external server (requiresTarget: true)`, { hint: 'pass --target http://127.0.0.1:PORT' });
  }
  const signals = resolved.faults.filter((f) => f.action !== 'run');
  if (target && signals.length) {
    throw new InputError('E_SCENARIO_INVALID', `scenario ${scenarioFile}: fault${signals.length > 1 ? 's' : ''} ${signals.map((f) => `\`${f.label}\``).join(', ')} need the bundled reference server, not --target`, {
      hint: "against your own server use hooks: faults: [{ at: '20s', run: 'kill -9 $(cat /run/my-worker.pid)' }], or drop --target",
    });
  }
  const topologies = target ? ['external'] : options.topology ? options.topology.split(',').map((t) => t.trim()) : resolved.topologies;
  if (!target) for (const t of topologies) getTopology(parseTopologySpec(t));
  const startServer = options.runtime === 'containers' && !target ? await (await import('../containers/index.ts')).containerServerStarter(topologies, resolved.server.pushRate) : undefined;
  const capacity = planCapacity({
    peak: Math.max(peakVus(resolved), resolved.peakClients ?? 0),
    generators: options.generators ?? resolved.generators ?? os.availableParallelism(),
    generatorsExplicit: options.generators !== undefined || resolved.generators !== null,
    addresses: Array.isArray(resolved.sourceIps) ? resolved.sourceIps.length : resolved.sourceIps,
    addressesExplicit: loaded.scenario.sourceIps !== undefined,
    shards: shardPlan.shard?.count ?? 1,
    limits: machineLimits(),
  });
  if (capacity.problems.length) {
    throw new InputError('E_LIMITS', `scenario ${scenarioFile} does not fit this machine's limits`, { details: capacity.problems, hint: 'change what the lines above say, before any load starts' });
  }
  for (const n of capacity.notes) stderr.write(`rtbench: ${n}\n`);
  if (!Array.isArray(resolved.sourceIps) && capacity.addresses > resolved.sourceIps) resolved = { ...resolved, sourceIps: capacity.addresses };
  const sourceIps = runSourceIps(resolved.sourceIps, target, shardPlan);
  const generators = capacity.generators;
  if (target) stderr.write(`${describeTarget(target)}\n`);
  if (options.dryRun) {
    stdout.write(describePlan({ scenarioFile, resolved, target, topologies, generators, sourceIps, connect: loaded.scenario.connect }));
    const file: RunFile = { schema: RESULT_SCHEMA, scenario: { name: resolved.name, file: scenarioFile, options: resolved }, environment: await environment(), createdAt: new Date().toISOString(), runs: [] };
    return { file, outDir: '', exitCode: ExitCode.ok };
  }
  if (target) await checkReachable(target);
  if (target && (resolved.engine === 'socket.io' || resolved.engine === 'socket.io-lean')) await probeSocketIo(target, resolved.path);

  const outDir = options.out ?? join('reports', `${slug(resolved.name)}-${timestamp()}`);
  const reporters = options.reporters ?? [
    ...(options.quiet ? [] : [progressReporter(stdout), summaryReporter(stdout)]),
    jsonReporter((p) => {
      if (!options.quiet) stdout.write(`result: ${p}\n`);
    }),
    htmlReporter((p) => {
      if (!options.quiet) stdout.write(`report: ${p}\n`);
    }),
    ...(options.junit ? [junitReporter(options.junit)] : []),
    ...(options.summaryMd ? [markdownReporter(options.summaryMd)] : []),
  ];
  const runs: RunResult[] = [];
  const shardRun = await prepareShardRun(shardPlan, target, (line) => stderr.write(`${line}\n`));
  // a shard's slice says nothing about the whole: thresholds are evaluated by `rtbench merge`
  const thresholds = shardPlan.shard ? [] : parseThresholds(resolved.thresholds, resolved.metrics).thresholds;
  const lifecycle = lifecycleOf(loaded.scenario, scenarioFile, resolved.setupTimeoutMs);
  for (const topology of topologies) {
    const rounds: RunResult[] = [];
    for (let round = 0; round < (options.repeat ?? 1) && !options.signal?.aborted; round++) {
      rounds.push(
      await runTopology({
        scenarioFile,
        resolved,
        topology,
        target,
        generators,
        sourceIps,
        totalMsOverride: totalMs,
        reporters,
        thresholds,
        signal: options.signal,
        warn: (line) => stderr.write(`${line}\n`),
        ...(shardRun ? { shard: shardRun.hooks } : {}),
        ...(startServer ? { startServer } : {}),
        lifecycle,
        ...(options.onGeneratorCrash ? { onGeneratorCrash: options.onGeneratorCrash } : {}),
      }),
      );
      if (rounds[rounds.length - 1]!.status !== 'completed') break;
    }
    if (rounds.length === 0) break;
    const combined = combineRounds(rounds);
    runs.push(rounds.length > 1 ? { ...combined, thresholds: evaluateThresholds(thresholds, combined) } : combined);
  }
  const file: RunFile = {
    schema: RESULT_SCHEMA,
    scenario: { name: resolved.name, file: scenarioFile, options: resolved },
    environment: await environment(),
    createdAt: new Date().toISOString(),
    runs,
    ...(shardRun?.info() ? { shard: shardRun.info()! } : {}),
  };
  for (const r of reporters) await r.onEnd?.(file, { outDir });
  return { file, outDir, exitCode: exitCodeOf(runs) };
}

/** One exit code for the whole file: failed run > interrupted > thresholds > ok. */
export function exitCodeOf(runs: RunResult[]): ExitCodeValue {
  if (runs.some((r) => r.status === 'failed')) return ExitCode.runFailed;
  if (runs.some((r) => r.abortedBy || r.thresholds.some((t) => !t.ok))) return ExitCode.thresholdsFailed;
  if (runs.some((r) => r.status === 'interrupted')) return ExitCode.interrupted;
  return ExitCode.ok;
}

