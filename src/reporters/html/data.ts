import { decode } from '../../metrics/histogram.ts';
import { basename, dirname } from 'node:path';
import { roundFigures } from '../../result/rounds.ts';
import type { RunFile, RunResult } from '../../result/types.ts';
import type { MetricDeclarations } from '../../metrics/declared.ts';
import { declaredIn } from '../custom.ts';
import { mainLatency } from '../main-latency.ts';

/** Points of a percentile-distribution plot: x = 1/(1-p) (log axis, as HdrHistogram plotters draw it), y = ms. */
export function percentileCurve(hdr: string, count: number): Array<[number, number]> {
  if (!hdr || count === 0) return [];
  const h = decode(hdr);
  const maxX = Math.max(10, count); // beyond 1/(1-p) = count there is no data
  const pts: Array<[number, number]> = [];
  for (let k = 0; ; k++) {
    const x = 10 ** (k / 20);
    if (x > maxX * 1.01) break;
    const p = 100 * (1 - 1 / x);
    pts.push([x, Math.round(h.getValueAtPercentile(p)) / 1000]);
  }
  pts.push([maxX, h.maxValue / 1000]);
  return pts;
}

export { redactDeep, redactUrls } from '../../util/redact.ts';

/** One run of the report with the name it is shown under. */
export interface LabeledRun {
  label: string;
  run: RunResult;
  file: RunFile;
  /** Index of its file in the report's input. */
  fileIndex: number;
}

const hostPort = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** What a result file is called: its folder for `…/result.json`, else its name without `.json`. */
export function sourceName(path: string): string {
  const b = basename(path);
  return b === 'result.json' ? basename(dirname(path)) || b : b.replace(/\.json$/, '');
}

/**
 * Labels that tell the runs apart: the first of topology, target host:port, source file name,
 * creation time that differs between every run (a comparison of two `external` runs is labelled
 * by target or file, not "external" twice). `names` (e.g. A, B) lead the label when given.
 */
export function labelRuns(files: RunFile[], sources: string[] = [], names: string[] = []): LabeledRun[] {
  const all = files.flatMap((file, fileIndex) => file.runs.map((run) => ({ file, run, fileIndex })));
  // a reference topology's port is random: its target says nothing; an external server's does
  const external = all.every((x) => x.run.topology === 'external' || x.run.topology === 'ab');
  const keys: Array<(x: (typeof all)[number]) => string> = [
    (x) => x.run.topology,
    (x) => (external ? hostPort(x.run.target) : ''),
    (x) => x.file.scenario.name,
    (x) => (sources[x.fileIndex] ? sourceName(sources[x.fileIndex]!) : ''),
    (x) => x.file.createdAt,
  ];
  const distinct = (k: (typeof keys)[number]): boolean => all.every((x) => k(x) !== '') && new Set(all.map(k)).size === all.length;
  const key =
    keys.find(distinct) ??
    ((x: (typeof all)[number]) => [sources[x.fileIndex] ? sourceName(sources[x.fileIndex]!) : `#${x.fileIndex + 1}`, x.run.topology].join(' · '));
  return all.map((x) => {
    const name = names[x.fileIndex];
    const k = all.length > 1 ? key(x) : x.run.topology;
    return { ...x, label: name ? (all.length > files.length || name !== k ? `${name} · ${k}` : name) : k };
  });
}

/** The figures of a summary card. */
export interface RunFigures {
  started: number;
  completed: number;
  failed: number;
  errors: number;
  /** errors / (messages + sessions started), as `compare` computes it. */
  errorRate: number;
  sent: number;
  received: number;
  /** Messages sent + received per second over the run. */
  throughput: number;
  connect: { p50: number; p99: number } | null;
  ack: { p50: number; p99: number } | null;
  /** The run's main latency (src/reporters/main-latency.ts): `ack`, `request`, `sse:first` or the scenario's own trend. */
  main: { name: string; p50: number; p99: number } | null;
  workers: number;
  maxOverMean: number | null;
  maxShare: number | null;
  durationS: number;
}

export function runFigures(r: RunResult, declared: MetricDeclarations | null = null): RunFigures {
  const c = r.counters;
  const main = mainLatency(r, declared);
  const rf = roundFigures(r);
  const lat = (name: string): RunFigures['ack'] => (r.metrics[name]?.count ? { p50: r.metrics[name]!.p50, p99: r.metrics[name]!.p99 } : null);
  return {
    started: c['sessions.started'] ?? 0,
    completed: c['sessions.completed'] ?? 0,
    failed: c['sessions.failed'] ?? 0,
    errors: c.errors ?? 0,
    errorRate: rf.errorRate,
    sent: c['messages.sent'] ?? 0,
    received: c['messages.received'] ?? 0,
    throughput: rf.throughput,
    connect: lat('connect'),
    ack: lat('ack'),
    main: main ? { name: main.name, p50: main.m.p50, p99: main.m.p99 } : null,
    workers: Object.keys(r.workers.connections).length,
    maxOverMean: r.workers.maxOverMean,
    maxShare: r.workers.maxShare,
    durationS: r.durationMs / 1000,
  };
}

/** What the page's script draws for one run (no histograms: their curves are precomputed here). */
export interface ChartRun {
  label: string;
  /** The run's main latency, drawn first (null: none timed). */
  main: string | null;
  curves: Record<string, Array<[number, number]>>;
  units: Record<string, string>;
  series: {
    t: number[];
    /** Per-second counts are null where a second is left out (a run's or round's last second, when under half of it ran). */
    sent: Array<number | null>;
    received: Array<number | null>;
    ackP50: Array<number | null>;
    ackP99: Array<number | null>;
    connectP99: Array<number | null>;
    /** Raw-frame requests' and token streams' (`sse:first`) p99 per second: null where none completed. */
    requestP99: Array<number | null>;
    sseFirstP99: Array<number | null>;
    /** The main latency's p99 per second (null where it has no per-second figure: a fan-out latency). */
    mainP99: Array<number | null> | null;
    connected: number[];
    started: Array<number | null>;
    errors: Array<number | null>;
    /** The scenario's custom metrics per second, when it declares any or makes checks: each trend's p99, each counter's increase, checks. */
    custom?: CustomSeries;
  };
  /** Markers on the time axis (seconds from the load's start). */
  markers: Array<{ at: number; label: string; kind: 'phase' | 'fault' }>;
  workers: { ids: string[]; counts: number[] };
}

/** Custom metrics per second, from the time series' optional `custom` and `checks`. */
export interface CustomSeries {
  trendsP99: Record<string, Array<number | null>>;
  counters: Record<string, Array<number | null>>;
  checks: { passed: Array<number | null>; failed: Array<number | null> } | null;
}

/** The custom series of a time series, or undefined when no second has custom metrics or checks. */
export function customSeries(ts: RunResult['timeseries']): CustomSeries | undefined {
  if (!ts.some((p) => p.custom || p.checks)) return undefined;
  const names = (pick: (p: RunResult['timeseries'][number]) => Record<string, unknown> | undefined): string[] => [
    ...new Set(ts.flatMap((p) => Object.keys(pick(p) ?? {}))),
  ];
  const trendsP99: CustomSeries['trendsP99'] = {};
  for (const n of names((p) => p.custom?.trends)) trendsP99[n] = ts.map((p) => p.custom?.trends[n]?.p99 ?? null);
  const counters: CustomSeries['counters'] = {};
  for (const n of names((p) => p.custom?.counters)) counters[n] = ts.map((p) => p.custom?.counters[n] ?? 0);
  const checks = ts.some((p) => p.checks) ? { passed: ts.map((p) => p.checks?.pass ?? 0), failed: ts.map((p) => p.checks?.fail ?? 0) } : null;
  return { trendsP99, counters, checks };
}

/**
 * The one `ack:<event>` metric of a run whose scenario acks a single event: the same samples as
 * `ack`, so the report's tables leave it out (null when there are several events, or they differ).
 */
export function soleAckEvent(r: RunResult): string | null {
  const events = Object.keys(r.metrics).filter((k) => k.startsWith('ack:'));
  if (events.length !== 1) return null;
  const [a, e] = [r.metrics.ack, r.metrics[events[0]!]];
  if (!a || !e) return null;
  const same = a.count === e.count && a.hdr === e.hdr && (['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const).every((k) => a[k] === e[k]);
  return same ? events[0]! : null;
}

/** A metric's unit: latency metrics are ms; a custom metric may name its own (`unit`). */
export function metricUnit(m: unknown): string {
  const u = (m as { unit?: unknown }).unit;
  return typeof u === 'string' ? u : 'ms';
}

function markers(file: RunFile, r: RunResult): ChartRun['markers'] {
  const out: ChartRun['markers'] = [];
  const phases = (file.scenario.options as { phases?: Array<{ name?: string; startMs?: number; index?: number }> } | null)?.phases;
  // rounds (`--repeat`) lie end to end in the time series: each starts at its `seconds.from`
  const starts = r.rounds && r.rounds.length > 1 && r.rounds.every((x) => x.seconds) ? r.rounds.map((x) => x.seconds!.from) : [0];
  starts.forEach((from, i) => {
    if (starts.length > 1) out.push({ at: from, label: `round ${i + 1}`, kind: 'phase' });
    if (!Array.isArray(phases) || phases.length < 2) return;
    for (const p of phases)
      if (typeof p.startMs === 'number' && (starts.length === 1 || p.startMs > 0))
        out.push({ at: from + p.startMs / 1000, label: p.name ?? `phase ${(p.index ?? 0) + 1}`, kind: 'phase' });
  });
  // a fault's atMs counts from its round's start
  for (const f of r.faults?.faults ?? [])
    if (f.atMs !== null)
      out.push({ at: (f.round !== undefined && starts.length > 1 ? (starts[f.round - 1] ?? 0) : 0) + f.atMs / 1000, label: f.label, kind: 'fault' });
  return out;
}

/**
 * How much of its second each time-series point covers: the last second of the run (of each round
 * with `--repeat`) is partial, e.g. 0.24 of a second for a 3.24 s run; the others are whole.
 */
export function secondShares(r: RunResult): Map<number, number> {
  const segments =
    r.rounds && r.rounds.length > 0 && r.rounds.every((x) => x.seconds)
      ? r.rounds.map((x) => ({ from: x.seconds!.from, ms: x.durationMs ?? (x.seconds!.to - x.seconds!.from) * 1000 }))
      : [{ from: 0, ms: r.durationMs }];
  const out = new Map<number, number>();
  for (const { from, ms } of segments) {
    const whole = Math.floor(ms / 1000);
    out.set(from + whole, ms / 1000 - whole);
  }
  return out;
}

/**
 * Counts per second as rates: a partial last second is scaled by its real length (a run's lines
 * would otherwise dive towards 0 at the end), or left out (null) when under half a second ran,
 * where a scaled count would be mostly noise.
 */
export function perSecond(values: Array<number | null>, t: number[], shares: Map<number, number>): Array<number | null> {
  return values.map((v, i) => {
    const share = shares.get(t[i]!);
    if (share === undefined || v === null) return v;
    return share >= 0.5 ? v / share : null;
  });
}

export function chartRun(x: LabeledRun): ChartRun {
  const r = x.run;
  const curves: ChartRun['curves'] = {};
  const units: ChartRun['units'] = {};
  for (const [name, m] of Object.entries(r.metrics)) {
    if (!m.count || !m.hdr) continue;
    curves[name] = percentileCurve(m.hdr, m.count);
    units[name] = metricUnit(m);
  }
  const shares = secondShares(r);
  // the run's last second, when under half of it ran, is left out altogether (the axis ends with the data)
  const last = r.timeseries.at(-1);
  const ts = last && (shares.get(last.t) ?? 1) < 0.5 ? r.timeseries.slice(0, -1) : r.timeseries;
  const t = ts.map((p) => p.t);
  const rate = (v: Array<number | null>): Array<number | null> => perSecond(v, t, shares);
  const custom = customSeries(ts);
  if (custom) {
    for (const k of Object.keys(custom.counters)) custom.counters[k] = rate(custom.counters[k]!);
    if (custom.checks) custom.checks = { passed: rate(custom.checks.passed), failed: rate(custom.checks.failed) };
  }
  const main = mainLatency(r, declaredIn(x.file))?.name ?? null;
  const perSec: Record<string, Array<number | null>> = {
    ack: ts.map((p) => p.ackP99),
    request: ts.map((p) => p.requestP99 ?? null),
    'sse:first': ts.map((p) => p.sseFirstP99 ?? null),
    ...custom?.trendsP99,
  };
  return {
    label: x.label,
    main,
    curves,
    units,
    series: {
      t,
      requestP99: perSec.request!,
      sseFirstP99: perSec['sse:first']!,
      mainP99: main === null ? null : (perSec[main] ?? null),
      sent: rate(ts.map((p) => p.messagesSent)),
      received: rate(ts.map((p) => p.messagesReceived)),
      ackP50: ts.map((p) => p.ackP50),
      ackP99: ts.map((p) => p.ackP99),
      connectP99: ts.map((p) => p.connectP99),
      connected: ts.map((p) => p.connected),
      started: rate(ts.map((p) => p.sessionsStarted)),
      errors: rate(ts.map((p) => p.errors)),
      ...(custom ? { custom } : {}),
    },
    markers: markers(x.file, r),
    workers: { ids: Object.keys(r.workers.connections), counts: Object.values(r.workers.connections) },
  };
}
