/**
 * The run plan: a scenario file and the run's flags resolved once, in the coordinator, before
 * anything starts. Phases carry `--duration`, thresholds (parsed by validation) get the default gate,
 * the capacity (generator processes, source addresses) is sized, and the clock offset of a shard
 * is estimated. The plan is plain data: each generator receives its share (`GeneratorPlan`) and
 * imports the scenario file only for its functions; nothing is validated or resolved twice.
 */
import os from 'node:os';
import { InputError } from '../shared/errors.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { missingUnit, parseDuration } from '../shared/duration.ts';
import { engineMismatches } from '../scenario/engines.ts';
import { withTotalDuration, type ResolvedPhase, type ResolvedScenario } from '../scenario/validate.ts';
import { checkReachable, describeTarget, externalWsPath, parseTarget, type Target } from '../target/target.ts';
import { probeSocketIo, probeWebSocket } from '../target/probe.ts';
import { peakVus } from '../executors/plan.ts';
import { checkShardOptions, type ShardPlan } from '../shard/options.ts';
import { prepareShardRun, runSourceIps, type ShardRun } from '../shard/run-shard.ts';
import { generatorSlot, type ShardSpec } from '../shard/split.ts';
import type { Threshold } from '../thresholds/parse.ts';
import { machineLimits, planCapacity } from './capacity.ts';
import { withDefaultGate } from '../thresholds/gate.ts';
import { defaultGenerators } from './generators.ts';
import { showQueryNames } from '../util/redact.ts';

/** The flags of a run that shape its plan (a subset of `RunOptions`). */
export interface PlanOptions {
  target?: string;
  duration?: string;
  topology?: string;
  repeat?: number;
  generators?: number;
  shard?: string;
  startAt?: string;
  onGeneratorCrash?: 'fail' | 'continue';
  /** Query parameters safe to show (`--show-query a,b`): every other query value is redacted wherever a URL is shown or stored. */
  showQuery?: string | readonly string[];
  /** Plan only: no reachability check, no probe, no clock estimate. */
  dryRun?: boolean;
}

/** A run, resolved once. Serialisable. */
export interface RunPlan {
  scenarioFile: string;
  /** The validated scenario, `--duration` applied (phases, faults, timeouts, server options). */
  scenario: ResolvedScenario;
  /** Parsed thresholds, the default `sessions.failedRate` gate included; empty for a shard (merge evaluates them). */
  thresholds: Threshold[];
  /** Reference topologies to run one after the other, or `['external']` with a target. */
  topologies: string[];
  target: Target | null;
  /** Rounds per topology (`--repeat`). */
  repeat: number;
  /** A capacity-search step (src/search/): its constant arrival rate, carried by live outputs. */
  step?: { rate: number };
  /** Generator processes (the capacity plan's count). */
  generators: number;
  /** Each process's slot in the whole load (a shard's processes play their share of every shard's slots). */
  slots: Array<{ generator: number; generators: number }>;
  /** Loopback source addresses the clients bind. */
  sourceIps: string[];
  /** `--shard i/N`, or null. */
  shard: ShardSpec | null;
  /** Reference monotonic clock minus this host's (ms); 0 unless a shard on another host estimated it. */
  clockOffsetMs: number;
  onGeneratorCrash: 'fail' | 'continue';
  /** Query parameters shown in clear (`--show-query`); every other query value is redacted where shown or stored. */
  showQuery: string[];
  /** What rtbench decided on its own (printed before the load). */
  notes: string[];
}

/** What one generator process receives: its slot and the plan's parts it needs. */
export interface GeneratorPlan {
  scenario: ResolvedScenario;
  generator: number;
  generators: number;
  target: string;
  sourceIps: string[];
  clockOffsetMs: number;
}

/** Check the options that do not need the scenario; every problem at once (`command` names the help to read). */
function checkOptions(o: PlanOptions, command = 'run'): { totalMs: number | null } {
  const problems: string[] = [];
  let totalMs: number | null = null;
  if (o.duration !== undefined) {
    totalMs = parseDuration(o.duration);
    if (totalMs === null || totalMs <= 0)
      problems.push(`\`--duration\` must be a positive duration like 30s or 2m (got ${String(o.duration)})${missingUnit(o.duration)}`);
  }
  if (o.repeat !== undefined && (!Number.isInteger(o.repeat) || o.repeat < 1 || o.repeat > 100))
    problems.push(`\`--repeat\` must be a whole number from 1 to 100 (got ${String(o.repeat)})`);
  if (o.generators !== undefined && (!Number.isInteger(o.generators) || o.generators < 1 || o.generators > 256)) {
    problems.push(`\`--generators\` must be a whole number from 1 to 256 (got ${String(o.generators)})`);
  }
  if (o.onGeneratorCrash !== undefined && o.onGeneratorCrash !== 'fail' && o.onGeneratorCrash !== 'continue') {
    problems.push(`\`--on-generator-crash\` must be fail or continue (got ${String(o.onGeneratorCrash)})`);
  }
  if (problems.length) throw new InputError('E_USAGE', 'invalid options', { details: problems, hint: `see \`rtbench ${command} --help\`` });
  return { totalMs };
}

/** The validated scenario with `--duration` applied (its phases and faults scaled), or as it is. */
function withDuration(resolved: ResolvedScenario, totalMs: number | null): ResolvedScenario {
  return totalMs ? withTotalDuration(resolved, totalMs) : resolved;
}

/**
 * The scenario part of a plan alone, for commands that plan runs elsewhere (`rtbench k8s` writes
 * manifests for shards that plan their own capacity): the file loaded and validated once,
 * `--duration` checked and applied by the same rules as `rtbench run`.
 */
export async function planScenario(
  scenarioFile: string,
  o: Pick<PlanOptions, 'duration'>,
  command: string,
): Promise<{ module: Scenario; scenario: ResolvedScenario }> {
  const { totalMs } = checkOptions({ duration: o.duration }, command);
  const loaded = await loadScenario(scenarioFile);
  return { module: loaded.scenario, scenario: withDuration(loaded.resolved, totalMs) };
}

/** What a caller that drives runs itself (the capacity search) adds to planning. */
export interface PlanHooks {
  /** Called once the scenario is validated, before the target is checked: throw `InputError` to refuse it. */
  checkScenario?: (scenario: ResolvedScenario) => void;
  /** Called (not in a dry run) once the plan is checked, before the first connection to anything: e.g. probing the output paths. */
  beforeConnect?: (scenario: ResolvedScenario) => Promise<void>;
}

/** A resolved run: its plan, a shard's hooks, the scenario module (its functions), and the plan with other phases. */
export interface ResolvedRun {
  plan: RunPlan;
  shardRun: ShardRun | null;
  module: Scenario;
  /**
   * The same plan with `phases` in place of the scenario's (a capacity-search step): the capacity
   * is sized again for them; nothing is loaded, validated or checked again.
   */
  withPhases: (phases: ResolvedPhase[]) => RunPlan;
}

/**
 * Resolve a run's plan: read and validate the scenario (once), check the flags and the target,
 * size the capacity, add the default gate to the thresholds, estimate a shard's clock. Throws `InputError` for
 * anything the user must change, before any load starts.
 */
export async function resolvePlan(scenarioFile: string, o: PlanOptions, warn: (line: string) => void, hooks: PlanHooks = {}): Promise<ResolvedRun> {
  const { totalMs } = checkOptions(o);
  const shardPlan = checkShardOptions(o);
  const showQuery = showQueryNames(o.showQuery);
  const target: Target | null = o.target ? await parseTarget(o.target, undefined, showQuery) : null;
  const loaded = await loadScenario(scenarioFile);
  const timed = withDuration(loaded.resolved, totalMs);
  // against --target, a ws URL's path is the path (default '/'); '/ws' is only the bundled server's
  const scenario = target && timed.engine === 'ws' ? { ...timed, path: externalWsPath(target, loaded.scenario.path) } : timed;
  hooks.checkScenario?.(scenario);
  if (!target && (scenario.engine === 'sse' || Object.values(scenario.engines).includes('sse'))) {
    throw new InputError('E_USAGE', `scenario ${scenarioFile} uses engine 'sse', and the bundled reference server serves no Server-Sent Events`, {
      hint: 'pass --target http://127.0.0.1:PORT/EVENTS-PATH (your server), e.g. the example in examples/apps/sse-feed.ts',
    });
  }
  if (scenario.requiresTarget && !target) {
    throw new InputError('E_USAGE', `scenario ${scenarioFile} needs an external server (requiresTarget: true)`, {
      hint: `pass --target ${scenario.engine === 'ws' ? 'ws://127.0.0.1:PORT/PATH' : 'http://127.0.0.1:PORT'}`,
    });
  }
  const signals = scenario.faults.filter((f) => f.action !== 'run' && f.action !== 'network'); // hooks and network faults work against any server
  if (target && signals.length) {
    throw new InputError(
      'E_SCENARIO_INVALID',
      `scenario ${scenarioFile}: fault${signals.length > 1 ? 's' : ''} ${signals.map((f) => `\`${f.label}\``).join(', ')} need the bundled reference server, not --target`,
      {
        hint: "against your own server use hooks: faults: [{ at: '20s', run: 'kill -9 $(cat /run/my-worker.pid)' }], or drop --target",
      },
    );
  }
  const topologies = target ? ['external'] : o.topology ? o.topology.split(',').map((t) => t.trim()) : scenario.topologies;
  if (!target) {
    // the reference server's modules load only when a run starts it (a --target run never does)
    const { getTopology, parseTopologySpec } = await import('../../reference-server/index.ts');
    for (const t of topologies) getTopology(parseTopologySpec(t));
    // rtbench knows the bundled server's protocols: an engine that cannot talk to one is refused now, not 100% failed later
    const mismatch = engineMismatches(scenario, topologies);
    if (mismatch) {
      throw new InputError(
        'E_PROTOCOL_MISMATCH',
        `scenario ${scenarioFile}: the engine chosen for ${mismatch.problems.length > 1 ? 'some topologies' : 'a topology'} cannot talk to it`,
        {
          details: mismatch.problems,
          hint: `set the engine per topology in the scenario: ${mismatch.fix} (docs/scenarios.md, "engines")`,
        },
      );
    }
  }
  const addressesExplicit = loaded.scenario.sourceIps !== undefined;
  const sized = sizeCapacity(scenarioFile, scenario, o, addressesExplicit, shardPlan, target);
  if (!o.dryRun) await hooks.beforeConnect?.(scenario);
  if (target) warn(describeTarget(target));
  if (target && !o.dryRun) await checkReachable(target);
  if (target && !o.dryRun && (scenario.engine === 'socket.io' || scenario.engine === 'socket.io-lean')) await probeSocketIo(target, scenario.path);
  if (target && !o.dryRun && (scenario.engine === 'ws' || scenario.engine === 'socketcluster')) await probeWebSocket(target, scenario.path, scenario.engine);
  const shardRun = o.dryRun ? null : await prepareShardRun(shardPlan, target, warn);
  const plan: RunPlan = {
    scenarioFile,
    scenario: sized.scenario,
    // a shard's slice says nothing about the whole: thresholds are evaluated by `rtbench merge`
    // parsed once, by validation; only the default gate is added here
    thresholds: shardPlan.shard ? [] : withDefaultGate(scenario.thresholds, scenario.parsedThresholds),
    topologies,
    target,
    repeat: o.repeat ?? 1,
    generators: sized.generators,
    slots: sized.slots,
    sourceIps: sized.sourceIps,
    shard: shardPlan.shard,
    clockOffsetMs: shardRun?.hooks.clockMonoOffsetMs ?? 0,
    onGeneratorCrash: o.onGeneratorCrash ?? 'fail',
    showQuery: [...showQuery],
    notes: sized.notes,
  };
  const withPhases = (phases: ResolvedPhase[]): RunPlan => {
    const last = phases[phases.length - 1]!;
    const stepScenario: ResolvedScenario = { ...scenario, phases, totalMs: last.startMs + last.durationMs };
    const step = sizeCapacity(scenarioFile, stepScenario, o, addressesExplicit, shardPlan, target);
    return { ...plan, scenario: step.scenario, generators: step.generators, slots: step.slots, sourceIps: step.sourceIps, notes: step.notes };
  };
  return { plan, shardRun, module: loaded.scenario, withPhases };
}

/** Size the generator processes and source addresses for a scenario's peak; refuse what does not fit this machine. */
function sizeCapacity(
  scenarioFile: string,
  resolved: ResolvedScenario,
  o: PlanOptions,
  addressesExplicit: boolean,
  shardPlan: ShardPlan,
  target: Target | null,
): { scenario: ResolvedScenario; generators: number; slots: RunPlan['slots']; sourceIps: string[]; notes: string[] } {
  let scenario = resolved;
  const peak = Math.max(peakVus(scenario), scenario.peakClients ?? 0);
  const explicit = o.generators ?? scenario.generators;
  const capacity = planCapacity({
    peak,
    generators: explicit ?? defaultGenerators(scenario, os.availableParallelism()),
    generatorsExplicit: explicit !== null && explicit !== undefined,
    addresses: Array.isArray(scenario.sourceIps) ? scenario.sourceIps.length : scenario.sourceIps,
    addressesExplicit,
    shards: shardPlan.shard?.count ?? 1,
    limits: machineLimits(),
  });
  if (capacity.problems.length) {
    throw new InputError('E_LIMITS', `scenario ${scenarioFile} does not fit this machine's limits`, {
      details: capacity.problems,
      hint: 'change what the lines above say, before any load starts',
    });
  }
  if (!Array.isArray(scenario.sourceIps) && capacity.addresses > scenario.sourceIps) scenario = { ...scenario, sourceIps: capacity.addresses };
  const sourceIps = runSourceIps(scenario.sourceIps, target, shardPlan);
  const slots = Array.from({ length: capacity.generators }, (_, g) => generatorSlot(shardPlan.shard, g, capacity.generators));
  return { scenario, generators: capacity.generators, slots, sourceIps, notes: capacity.notes };
}
