/**
 * `rtbench run --find-max`: a capacity search as a loop over ordinary runs. Each step is one
 * short open-model run through the normal pipeline (`run()`): the scenario file with its phases
 * replaced by one constant `arrivalRate`, against a freshly started topology. The steps' results
 * are gathered into one result.json (`search` per topology, with every step's whole result) and
 * one report.
 */
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { environment } from '../result/environment.ts';
import { RESULT_SCHEMA, type RunFile, type RunResult, type SearchResult, type SearchStep } from '../result/types.ts';
import { htmlReporter } from '../reporters/html/index.ts';
import { jsonReporter } from '../reporters/json.ts';
import { formatSearch } from '../reporters/search-table.ts';
import type { Output } from '../reporters/types.ts';
import { run, type RunOptions } from '../run/run.ts';
import { parseDuration } from '../scenario/duration.ts';
import { loadScenario } from '../scenario/load.ts';
import type { ResolvedScenario } from '../scenario/validate.ts';
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

/**
 * A step's scenario module: the user's scenario with one constant-rate phase. It is written
 * beside the scenario (a hidden file, removed afterwards) so that its packages resolve from the
 * same folder. (An imported module's default can arrive wrapped once more, as CommonJS interop
 * does: unwrap it.)
 */
function stepModule(basePath: string, stepMs: number, rate: number): string {
  return [
    `import * as mod from ${JSON.stringify(basePath)};`,
    'const d: any = (mod as any).default;',
    "const base = d && typeof d === 'object' && !('session' in d) && 'default' in d ? d.default : d;",
    `export default { ...base, phases: [{ name: 'step ${rate}/s', duration: ${stepMs}, arrivalRate: ${rate} }] };`,
    '',
  ].join('\n');
}

/** Find the highest arrival rate at which the scenario holds its thresholds, per topology. */
export async function runSearch(scenarioFile: string, options: RunOptions = {}): Promise<SearchOutcome> {
  const stdout = options.stdout ?? stdio(process.stdout);
  const stderr = options.stderr ?? stdio(process.stderr);
  const { resolved } = await loadScenario(scenarioFile);
  const slo = Object.entries(resolved.thresholds).flatMap(([k, v]) => (v === false ? [] : [`${k} ${typeof v === 'string' ? v : v.condition}`]));
  const problems: string[] = [];
  if (slo.length === 0) problems.push(`scenario ${scenarioFile} has no \`thresholds\`: they are the SLO a capacity search holds the rate to`);
  if (options.shard) problems.push('`--find-max` runs whole steps; it cannot run a shard (`--shard`)');
  if (options.repeat !== undefined && options.repeat !== 1) problems.push('`--find-max` runs each step once; drop `--repeat`');
  const stepOverride = options.duration === undefined ? null : parseDuration(options.duration);
  if (stepOverride !== null && stepOverride < 1000) problems.push(`\`--duration\` sets the step of a search: at least 1s (got ${String(options.duration)})`);
  if (problems.length) {
    throw new InputError('E_USAGE', 'cannot run the capacity search', { details: problems, hint: "add thresholds, e.g. thresholds: { 'ack.p99': '< 100ms' } (README, \"Capacity search\")" });
  }
  const o = resolveSearchOptions(resolved.search, { fromRate: defaultFrom(resolved) }, stepOverride);
  const topologies = options.target ? ['external'] : options.topology ? options.topology.split(',').map((t) => t.trim()) : resolved.topologies;
  const outDir = options.out ?? join('reports', `${resolved.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-find-max-${new Date().toISOString().replace(/[:]/g, '').replace(/\..+$/, '')}`);
  const abs = resolve(scenarioFile);
  const stepFiles: string[] = [];
  const said = new Set<string>();
  const quietErr: Output = { isTTY: false, write: (t) => void (said.has(t) || (said.add(t), stderr.write(t))) };
  const searches: SearchResult[] = [];
  let n = 0;
  try {
    for (const topology of topologies) {
      if (options.signal?.aborted) break;
      if (!options.quiet) stdout.write(`rtbench: capacity search of ${resolved.name} on ${topology}: from ${o.fromRate}/s, steps of ${o.stepMs / 1000}s, SLO ${slo.join(', ')}\n`);
      const runStep = async (rate: number): Promise<RunResult> => {
        // .mts: an ES module whatever the project's module type
        const file = join(dirname(abs), `.${basename(abs).replace(/\.[cm]?[jt]s$/, '')}.rtbench-step-${process.pid}-${++n}.mts`);
        stepFiles.push(file);
        await writeFile(file, stepModule(abs, o.stepMs, rate));
        const out = await run(file, {
          ...options,
          duration: undefined,
          topology: options.target ? undefined : topology,
          quiet: true,
          reporters: [],
          stdout,
          stderr: quietErr,
        });
        await rm(file, { force: true });
        const r = out.file.runs[0];
        if (!r) throw new InputError('E_USAGE', `step at ${rate}/s produced no run`, { hint: 'check the topology and target' });
        return r;
      };
      const onStep = (s: SearchStep): void => {
        if (options.quiet) return;
        const worst = s.thresholds.filter((t) => !t.ok).map((t) => `${t.subject}=${t.actual ?? '-'}`);
        stdout.write(`  ${String(s.rate).padStart(8)}/s  ${s.passed ? 'held  ' : 'FAILED'}  ${s.msgsPerSec} msgs/s${worst.length ? `  (${worst.join(', ')})` : ''}${s.generator !== 'ok' ? `  [${s.generator === 'host' ? 'host busy' : 'generator saturated'}]` : ''}${s.retry ? '  (retry)' : ''}\n`);
      };
      const result = await findMax(topology, o, slo, runStep, onStep);
      searches.push(result);
      if (!options.quiet) stdout.write(`\n${formatSearch(result)}\n`);
    }
  } finally {
    await Promise.all(stepFiles.map((f) => rm(f, { force: true })));
  }
  const best = (s: SearchResult): RunResult | undefined => ([...s.steps].reverse().find((st) => st.passed && st.rate === s.maxRate) ?? s.steps[s.steps.length - 1])?.result;
  const file: RunFile = {
    schema: RESULT_SCHEMA,
    scenario: { name: resolved.name, file: scenarioFile, options: resolved },
    environment: await environment(),
    createdAt: new Date().toISOString(),
    runs: searches.flatMap((s) => best(s) ?? []),
    search: searches,
  };
  const write = (what: string) => (p: string): void => void (options.quiet || stdout.write(`${what}: ${p}\n`));
  for (const r of options.reporters ?? [jsonReporter(write('result')), htmlReporter(write('report'))]) await r.onEnd?.(file, { outDir });
  return { file, outDir, exitCode: exitCodeOf(searches, options.signal?.aborted === true), searches };
}

/** 0 when each search found a figure; 1 when a step did not complete; 99 when no rate held; 130 when interrupted. */
function exitCodeOf(searches: SearchResult[], interrupted: boolean): ExitCodeValue {
  if (interrupted) return ExitCode.interrupted;
  if (searches.some((s) => s.limit === 'run-failed')) return ExitCode.runFailed;
  if (searches.some((s) => s.maxRate === null)) return ExitCode.thresholdsFailed;
  return ExitCode.ok;
}
