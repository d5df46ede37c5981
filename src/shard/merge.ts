/**
 * `rtbench merge`: shard results → one result, losslessly, through the same Aggregator that merges
 * generator processes. Each shard's totals (encoded HDR histograms, counters, errors, worker
 * counts) go to `Aggregator.addTotals`, and its per-second records (`seconds`), shifted to line up
 * by wall-clock second, go to `Aggregator.addSecond`. The merged p99 is therefore the p99 of the
 * union of every shard's samples, not an average of percentiles.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../shared/errors.ts';
import { Aggregator } from '../metrics/aggregate.ts';
import { fromSummary, type WireHistogram } from '../metrics/histogram.ts';
import { buildRunResult } from '../collect/build.ts';
import type { Environment, MergeInfo, RunFile } from '../result/types.ts';
import type { RunEnd } from '../result/run-end.ts';
import { runFile } from '../result/run-file.ts';
import type { ResolvedScenario } from '../scenario/validate.ts';
import { gateThresholds } from '../thresholds/gate.ts';

/** One shard result and where it came from (a path, or a log line). */
export interface ShardInput {
  file: RunFile;
  source: string;
}

const mergeError = (message: string, hint: string, details: string[] = []): InputError => new InputError('E_SHARD_MERGE', message, { hint, details });

type ScenarioOptions = Partial<Pick<ResolvedScenario, 'name' | 'phases' | 'thresholds' | 'engine' | 'path' | 'metrics'>>;

/** Check that the inputs are the N shards of one sharded run, each once. Returns them by index. */
export function checkShards(inputs: ShardInput[]): ShardInput[] {
  if (inputs.length === 0) throw mergeError('no shard results to merge', 'pass the result.json of every shard (e.g. reports/shard-*/result.json)');
  for (const i of inputs) {
    if (!i.file.shard)
      throw mergeError(
        `${i.source} is not a shard result (it has no \`shard\` field)`,
        'write shard results with `rtbench run SCENARIO --target URL --shard i/N`',
      );
    if (i.file.runs.length !== 1)
      throw mergeError(
        `${i.source} holds ${i.file.runs.length} runs; a shard result holds exactly one`,
        'pass the result.json files written by `rtbench run --shard`',
      );
  }
  const count = inputs[0]!.file.shard!.count;
  const bad = inputs.filter((i) => i.file.shard!.count !== count);
  if (bad.length)
    throw mergeError(
      `the shards come from different splits: ${inputs.map((i) => `${i.source} is ${i.file.shard!.index}/${i.file.shard!.count}`).join(', ')}`,
      'merge the shards of one sharded run only',
    );
  const byIndex = new Map<number, ShardInput>();
  for (const i of inputs) {
    const seen = byIndex.get(i.file.shard!.index);
    if (seen && !isDeepStrictEqual(seen.file, i.file)) {
      throw mergeError(
        `shard ${i.file.shard!.index}/${count} appears twice, with different results (${seen.source} and ${i.source})`,
        'a pod that was retried leaves two results: keep the one you want and pass it alone',
      );
    }
    byIndex.set(i.file.shard!.index, i);
  }
  const missing = Array.from({ length: count }, (_, k) => k).filter((k) => !byIndex.has(k));
  if (missing.length) {
    throw mergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing: ${byIndex.size} of ${count} given`,
      'pass every shard result of the run; a merge of part of the shards would not describe the load you planned',
    );
  }
  const sorted = [...byIndex.values()].sort((a, b) => a.file.shard!.index - b.file.shard!.index);
  const first = sorted[0]!;
  const opts = (f: RunFile): ScenarioOptions => (f.scenario.options ?? {}) as ScenarioOptions;
  const diffs: string[] = [];
  for (const s of sorted.slice(1)) {
    const a = opts(first.file);
    const b = opts(s.file);
    if (first.file.scenario.name !== s.file.scenario.name)
      diffs.push(`${s.source}: scenario ${JSON.stringify(s.file.scenario.name)}, not ${JSON.stringify(first.file.scenario.name)}`);
    if (!isDeepStrictEqual(a.phases, b.phases)) diffs.push(`${s.source}: different phases (another --duration or scenario version?)`);
    if (!isDeepStrictEqual(a.thresholds, b.thresholds)) diffs.push(`${s.source}: different thresholds`);
    if (first.file.runs[0]!.target !== s.file.runs[0]!.target) diffs.push(`${s.source}: target ${s.file.runs[0]!.target}, not ${first.file.runs[0]!.target}`);
  }
  if (diffs.length) throw mergeError('the shards are not slices of one run', 'run every shard with the same scenario, --duration and --target', diffs);
  return sorted;
}

/** Wall-clock ms of a shard's second 0, on the reference clock when every shard has an offset. */
function startsOf(shards: ShardInput[]): { starts: number[]; onReference: boolean } {
  const onReference = shards.every((s) => typeof s.file.shard!.clockOffsetMs === 'number');
  const starts = shards.map((s) => Date.parse(s.file.shard!.startedAt) + (onReference ? s.file.shard!.clockOffsetMs! : 0));
  return { starts, onReference };
}

/** Merge the N shard results of one run into one result (thresholds evaluated on the merge). */
export function mergeShards(inputs: ShardInput[], environment: Environment, createdAt = new Date()): RunFile {
  const shards = checkShards(inputs);
  const { starts, onReference } = startsOf(shards);
  const base = Math.min(...starts);
  const agg = new Aggregator((shards[0]!.file.scenario.options as ScenarioOptions).metrics ?? {});
  const known = new Set<string>();
  const notes: string[] = [];
  const shifts: number[] = [];
  shards.forEach((s, k) => {
    const r = s.file.runs[0]!;
    const slot = s.file.shard!.index;
    const histograms: Record<string, WireHistogram> = {};
    for (const [name, m] of Object.entries(r.metrics)) if (m.count > 0) histograms[name] = fromSummary(m);
    const workers: Record<string, number> = {};
    for (const [id, n] of Object.entries(r.workers.connections)) {
      known.add(id);
      if (n > 0) workers[id] = n;
    }
    agg.addTotals({ generator: slot, t: 0, histograms, counters: r.counters, errors: r.errors, workers, connected: 0 });
    const shift = Math.round((starts[k]! - base) / 1000);
    shifts.push(shift);
    if (!r.seconds) notes.push(`${s.source}: no per-second records; its load is in the totals but not in the time series`);
    for (const sec of r.seconds ?? []) {
      const h: Record<string, string> = {};
      if (sec.ack) h.ack = sec.ack;
      if (sec.connect) h.connect = sec.connect;
      if (sec.request) h.request = sec.request;
      if (sec.sseFirst) h['sse:first'] = sec.sseFirst;
      for (const [name, enc] of Object.entries(sec.trends ?? {})) h[name] = enc;
      agg.addSecond({ generator: slot, t: sec.t + shift, histograms: h, counters: sec.counters, errors: {}, workers: {}, connected: sec.connected });
    }
  });
  if (!onReference) notes.push("time series aligned by each host's own wall clock: not every shard had a clock offset");
  const clocks = shards.map((s) => s.file.shard!.clock);
  // shards on the target's own host share its monotonic clock: no uncertainty from them
  const uncertainties = clocks.map((c) => (c?.sameHost ? 0 : (c?.uncertaintyMs ?? null)));
  const fanoutUncertaintyMs = uncertainties.every((u): u is number => typeof u === 'number') ? Math.max(...uncertainties) : null;
  if (clocks.some((c) => c?.method === 'http-date'))
    notes.push(
      'some shard estimated its clock from the HTTP Date header (1 s resolution): cross-host fan-out latencies (broadcast, push) are only good to about ± the uncertainty',
    );
  if (fanoutUncertaintyMs === null)
    notes.push("some shard has no clock estimate: cross-host fan-out latencies (broadcast, push) may be off by the hosts' clock difference");

  const runs = shards.map((s) => s.file.runs[0]!);
  const failures = shards.flatMap((s) => (s.file.runs[0]!.failure ? [`shard ${s.file.shard!.index}: ${s.file.runs[0]!.failure!.message}`] : []));
  const failure = failures.length ? { code: runs.find((r) => r.failure)!.failure!.code, message: failures.join('; ') } : undefined;
  // the worst shard's end: failed when one failed, else interrupted when one was, else completed
  const end: RunEnd = runs.some((r) => r.status === 'failed')
    ? { status: 'failed', failure: failure ?? { code: 'E_RUN', message: 'a shard failed (its result names no failure)' } }
    : runs.some((r) => r.status === 'interrupted')
      ? { status: 'interrupted', ...(failure ? { failure } : {}) }
      : { status: 'completed' };
  const options = shards[0]!.file.scenario.options as ScenarioOptions;
  const sentinels = runs.flatMap((r) => (r.generator.saturation.sentinel ? [r.generator.saturation.sentinel] : []));
  const first = runs[0]!;
  const merged = buildRunResult(
    agg,
    {
      topology: first.topology,
      target: first.target,
      engine: first.engine,
      ...end,
      startedAt: new Date(base).toISOString(),
      durationMs: Math.max(...shards.map((s, k) => starts[k]! + s.file.runs[0]!.durationMs)) - base,
      processes: runs.flatMap((r) => r.generator.processes),
      sentinel: sentinels.length ? sentinels.reduce((a, b) => (b.loopDelayP99 > a.loopDelayP99 ? b : a)) : null,
      knownWorkers: [...known],
    },
    gateThresholds(options.thresholds ?? {}, options.metrics ?? {}),
  );
  const info: MergeInfo = {
    shards: shards.map((s, k) => ({
      index: s.file.shard!.index,
      hostname: s.file.environment.hostname,
      startedAt: s.file.shard!.startedAt,
      shiftSeconds: shifts[k]!,
      status: s.file.runs[0]!.status,
      ...(s.file.shard!.clock ? { clock: s.file.shard!.clock } : {}),
    })),
    fanoutUncertaintyMs,
    notes,
  };
  return runFile({ ...shards[0]!.file.scenario }, environment, [merged], { merged: info }, createdAt);
}

/** Lines for the console about the merge: shards, clocks, fan-out uncertainty, notes. */
export function describeMerge(file: RunFile): string {
  const m = file.merged;
  if (!m) return '';
  const lines = [`merged ${m.shards.length} shard${m.shards.length > 1 ? 's' : ''}:`];
  for (const s of m.shards) {
    const c = s.clock;
    const clock =
      !c || c.method === 'none'
        ? 'no clock estimate'
        : `clock offset ${c.offsetMs} ms ± ${c.uncertaintyMs} ms (${c.method}${c.sameHost ? '; same host as the target: one monotonic clock, no correction needed' : ''})`;
    lines.push(`  shard ${s.index} on ${s.hostname}: ${s.status}, started ${s.startedAt} (+${s.shiftSeconds} s), ${clock}`);
  }
  lines.push(
    m.fanoutUncertaintyMs === null
      ? '  cross-host fan-out latency (broadcast, push): uncertainty unknown'
      : `  cross-host fan-out latency (broadcast, push): ± ${m.fanoutUncertaintyMs} ms (the largest shard clock uncertainty)`,
  );
  for (const n of m.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}
