/**
 * `rtbench run --find-max`: a capacity search as a loop over ordinary runs. The run's plan is
 * resolved once (src/plan/: the scenario loaded and validated, the target checked); each step is
 * that plan with one constant-`arrivalRate` phase (capacity sized for it), run through the normal
 * pipeline (`runResolved`) against a freshly started topology. The steps' results
 * are gathered into one result.json (`search` per topology, with every step's whole result) and
 * one report.
 */
import { join } from 'node:path';
import { environment } from '../result/environment.ts';
import type { RunFile, RunResult, SearchOptions, SearchResult, SearchStep } from '../result/types.ts';
import { runFile } from '../result/run-file.ts';
import { reportersFor } from '../reporters/registry.ts';
import { formatSearch } from '../reporters/search-table.ts';
import type { Output } from '../run/reporter.ts';
import { resolvePlan } from '../plan/plan.ts';
import { runResolved, type RunOptions } from '../run/run.ts';
import { checkRunOutputs, endReporters } from '../run/output-check.ts';
import { jsonFilesOf, parseOutputs } from '../outputs/index.ts';
import { missingUnit, parseDuration } from '../shared/duration.ts';
import { describePlan } from '../run/dry-run.ts';
import { recordedScenario, type ResolvedPhase, type ResolvedScenario } from '../scenario/validate.ts';
import { ExitCode, InputError, type ExitCodeValue } from '../shared/errors.ts';
import { resolveSearchOptions } from './options.ts';
import { findMax } from './search.ts';

/** What a search gives back: the file written and each topology's search. */
export interface SearchOutcome {
  file: RunFile;
  outDir: string;
  exitCode: ExitCodeValue;
  searches: SearchResult[];
}

const stdio = (s: NodeJS.WriteStream): Output => ({ write: (t) => void s.write(t), isTTY: Boolean(s.isTTY) });

/** The first rate: the scenario's highest arrival rate, else 10 sessions/s. */
function defaultFrom(s: ResolvedScenario): number {
  const rates = s.phases.filter((p) => p.kind === 'arrivals').flatMap((p) => [p.from, p.to]);
  return Math.max(0.1, ...rates, 0) > 0.1 ? Math.max(...rates) : 10;
}

/** A search step: one constant-rate open-model phase. */
function stepPhase(rate: number, stepMs: number): ResolvedPhase {
  return { index: 0, name: `step ${rate}/s`, kind: 'arrivals', startMs: 0, durationMs: stepMs, from: rate, to: rate };
}

/** The search's own rows of a dry run: how the rate moves, where it stops, what is searched. */
function searchRows(o: SearchOptions, topologies: string[]): Array<[string, string]> {
  return [
    [
      'search',
      `from ${o.fromRate}/s, ×${o.factor} while steps hold (up to ${o.maxRate}/s), then bisect until the highest rate that held and the lowest that failed are within ${+(o.precision * 100).toFixed(2)}%; at most ${o.maxSteps} steps`,
    ],
    [
      'steps',
      `each ${o.stepMs / 1000}s at one constant arrival rate against a freshly started topology; it holds when it completes and every threshold above passes (the SLO)`,
    ],
    ['searched', `${topologies.join(', ')}${topologies.length > 1 ? ', one after the other' : ''}`],
  ];
}

const searchOutDir = (name: string): string =>
  join('reports', `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-find-max-${new Date().toISOString().replace(/[:]/g, '').replace(/\..+$/, '')}`);

/** Find the highest arrival rate at which the scenario holds its thresholds, per topology. */
export async function runSearch(scenarioFile: string, options: RunOptions = {}): Promise<SearchOutcome> {
  const stdout = options.stdout ?? stdio(process.stdout);
  const stderr = options.stderr ?? stdio(process.stderr);
  const problems: string[] = [];
  if (options.shard) problems.push('`--find-max` runs whole steps; it cannot run a shard (`--shard`)');
  if (options.repeat !== undefined && options.repeat !== 1) problems.push('`--find-max` runs each step once; drop `--repeat`');
  const stepOverride = options.duration === undefined ? null : parseDuration(options.duration);
  if (options.duration !== undefined && stepOverride === null) {
    problems.push(`\`--duration\` sets the length of each search step: a duration like 10s (got ${String(options.duration)})${missingUnit(options.duration)}`);
  } else if (stepOverride !== null && stepOverride < 1000)
    problems.push(`\`--duration\` sets the length of each search step: at least 1s (got ${String(options.duration)})`);
  let slo: string[] = [];
  const said = new Set<string>();
  const quietErr: Output = { isTTY: false, write: (t) => void (said.has(t) || (said.add(t), stderr.write(t))) };
  // the run's plan, made once: each step is that plan with one constant-rate phase (`--duration` is the step here)
  let outDir: string | undefined;
  const prepared = await resolvePlan(
    scenarioFile,
    { ...options, duration: undefined, repeat: undefined, shard: undefined },
    (line) => quietErr.write(`${line}\n`),
    {
      checkScenario: (s) => {
        slo = Object.entries(s.thresholds).flatMap(([k, v]) => (v === false ? [] : [`${k} ${typeof v === 'string' ? v : v.condition}`]));
        if (slo.length === 0)
          problems.unshift(
            `scenario ${scenarioFile} has no \`thresholds\`: they are the SLO a capacity search holds the rate to; add some, e.g. thresholds: { 'ack.p99': '< 100ms' }`,
          );
        if (problems.length)
          throw new InputError('E_USAGE', 'cannot run the capacity search', {
            details: problems,
            hint: 'change what the lines above say (docs/capacity-search.md)',
          });
      },
      // the output folder is made and probed before the first step connects
      beforeConnect: async (s) => {
        outDir = options.out ?? searchOutDir(s.name);
        await checkRunOutputs({}, outDir, jsonFilesOf(parseOutputs(options.outputs ?? [])));
      },
    },
  );
  const resolved = prepared.plan.scenario;
  const o = resolveSearchOptions(resolved.search, { fromRate: defaultFrom(resolved) }, stepOverride);
  if (options.dryRun) {
    // the plan of the search and of its first step; no topology, generator or connection is started
    const { plan } = prepared;
    const first = prepared.withPhases([{ ...stepPhase(o.fromRate, o.stepMs), name: `the first step, at ${o.fromRate}/s` }]);
    stdout.write(
      describePlan(
        {
          scenarioFile,
          resolved: first.scenario,
          target: plan.target,
          topologies: plan.topologies,
          generators: first.generators,
          sourceIps: first.sourceIps,
          thresholds: plan.thresholds,
          connect: prepared.module.connect,
          showQuery: new Set(plan.showQuery),
        },
        { title: 'dry run: capacity search planned, nothing connected or started', durationLabel: 'each step', rows: searchRows(o, plan.topologies) },
      ),
    );
    const file = runFile(recordedScenario(resolved, scenarioFile), await environment(), [], { search: [] });
    return { file, outDir: '', exitCode: ExitCode.ok, searches: [] };
  }
  outDir ??= options.out ?? searchOutDir(resolved.name);
  const searches: SearchResult[] = [];
  for (const topology of prepared.plan.topologies) {
    if (options.signal?.aborted) break;
    if (!options.quiet)
      stdout.write(`rtbench: capacity search of ${resolved.name} on ${topology}: from ${o.fromRate}/s, steps of ${o.stepMs / 1000}s, SLO ${slo.join(', ')}\n`);
    const runStep = async (rate: number): Promise<RunResult> => {
      const plan = { ...prepared.withPhases([stepPhase(rate, o.stepMs)]), topologies: [topology], step: { rate } };
      const out = await runResolved({ ...prepared, plan }, { ...options, quiet: true, reporters: [], stdout, stderr: quietErr });
      const r = out.file.runs[0];
      if (!r) throw new InputError('E_USAGE', `step at ${rate}/s produced no run`, { hint: 'check the topology and target' });
      return r;
    };
    const onStep = (s: SearchStep): void => {
      if (options.quiet) return;
      const worst = s.thresholds.filter((t) => !t.ok).map((t) => `${t.subject}=${t.actual ?? '-'}`);
      stdout.write(
        `  ${String(s.rate).padStart(8)}/s  ${s.passed ? 'held  ' : 'FAILED'}  ${s.msgsPerSec} msgs/s${worst.length ? `  (${worst.join(', ')})` : ''}${s.generator !== 'ok' ? `  [${s.generator === 'host' ? 'host busy' : 'generator saturated'}]` : ''}${s.retry ? '  (retry)' : ''}\n`,
      );
    };
    const result = await findMax(topology, o, slo, runStep, onStep);
    searches.push(result);
    if (!options.quiet) stdout.write(`\n${formatSearch(result)}\n`);
  }
  const best = (s: SearchResult): RunResult | undefined =>
    ([...s.steps].reverse().find((st) => st.passed && st.rate === s.maxRate) ?? s.steps[s.steps.length - 1])?.result;
  const file = runFile(
    recordedScenario(resolved, scenarioFile),
    await environment(),
    searches.flatMap((s) => best(s) ?? []),
    { search: searches, ...(prepared.plan.showQuery.length ? { showQuery: prepared.plan.showQuery } : {}) },
  );
  const writeFailures = await endReporters(options.reporters ?? reportersFor(['json', 'html'], { out: stdout, quiet: options.quiet }), file, { outDir });
  for (const e of writeFailures) stderr.write(`${e.format()}\n`);
  return { file, outDir, exitCode: writeFailures.length ? ExitCode.runFailed : exitCodeOf(searches, options.signal?.aborted === true), searches };
}

/** 0 when each search found a figure; 1 when a step did not complete; 99 when no rate held; 130 when interrupted. */
function exitCodeOf(searches: SearchResult[], interrupted: boolean): ExitCodeValue {
  if (interrupted) return ExitCode.interrupted;
  if (searches.some((s) => s.limit === 'run-failed')) return ExitCode.runFailed;
  if (searches.some((s) => s.maxRate === null)) return ExitCode.thresholdsFailed;
  return ExitCode.ok;
}
