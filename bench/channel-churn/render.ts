/**
 * The channel-churn benchmark's figures and BENCHMARKS.md section (bench/channel-churn.ts writes the
 * results). Pure functions of the result: every sentence says what the result measured (the step
 * that failed and its generator verdict, the search's own options, the load and the CPU other
 * processes took), nothing else.
 */
import type { RequestFigure } from '../request/render.ts';

/** The search's options, as run. */
export interface ChurnSearchOptions {
  from: number;
  factor: number;
  precision: number;
  stepSeconds: number;
  maxSteps: number;
}

/** The step at the rate that failed (the last one run there): what failed and what rtbench said of the generator. */
export interface ChurnFailedStep {
  rate: number;
  generator: 'ok' | 'generator' | 'host';
  /** Its latencies missed the SLO by more than the generator's own delay could add. */
  beyondHarness: boolean;
  /** The thresholds it failed, with their measured values. */
  failed: string[];
}

/** Publish: what reached the subscribers at the figure. */
export interface ChurnDelivery {
  /** Acked publishes. */
  publishes: number;
  /** Subscribers that stayed through the step (the scenario's `subscribers` counter). */
  subscribers: number;
  /** Messages received by the subscribers (fan-out latency samples). */
  deliveries: number;
  /** deliveries ÷ (publishes × the configured subscribers): 1 when every acked publish reached every subscriber. */
  ratio: number | null;
  /** Messages the subscribers found missing (the scenario's `undelivered` counter), sequence gaps and duplicates. */
  undelivered: number;
  gaps: number;
  duplicates: number;
}

/** What other processes took of the machine's CPU during a search (channel-churn/machine.ts). */
export interface ChurnCpu {
  /** Shares (0-1) of all the machine's CPU time: busy, this benchmark's processes, the others. */
  busy: number;
  ours: number;
  others: number;
  /** The others' share in cores. */
  otherCores: number;
}

export interface ChurnRow {
  measure: 'churn' | 'publish';
  topology: string;
  engine: string;
  /** Server worker processes (the rate per process divides by these). */
  processes: number;
  /** Other server processes (broker, Redis), in words. */
  extra: string;
  slo: string[];
  search: ChurnSearchOptions | null;
  /** The search's figure, sessions/s (each session churns `perSession` channels or publishes up to `perSession` times). */
  maxSessionsPerSec: number | null;
  perSession: number;
  /** Channels created+destroyed per second (churn), or publishes per second in the step's full-rate seconds (publish), at the figure. */
  rate: number | null;
  perProcess: number | null;
  /** Publish: messages received per second by the subscribers in the same seconds (received less the publishes' acks). */
  deliveriesPerSec: number | null;
  delivery: ChurnDelivery | null;
  /** p99 (ms) at the figure of the SLO's latencies. */
  p99: Record<string, number>;
  limit: string;
  lowerBound: boolean;
  steps: number;
  /** Steps rtbench flagged: generator saturated, host busy. */
  flagged: { generator: number; host: number };
  failedAt: number | null;
  failedStep: ChurnFailedStep | null;
  /** Generator processes at the figure. */
  generators: number | null;
  verdict: string;
  seconds: number;
  /** 1-minute load average at the start and the end of the search (this benchmark's processes included). */
  loadAverage: number[];
  cpu: ChurnCpu;
}

export interface ChurnResult {
  date: string;
  minutes: number;
  environment: { node: string; cpu: string; cores: number; loadAverage: { before: number[]; after: number[] } };
  subscribers: number;
  /** A note from whoever ran it (RTBENCH_NOTE), shown as theirs. */
  note?: string;
  rows: ChurnRow[];
}

/** A figure of the summary table (the same shape as every benchmark's). */
export type ChurnFigure = RequestFigure;

const CLAIM = { churn: 10_000, publish: 20_000 };

/**
 * Other processes using at least this many cores' worth on average during a search make it a
 * "busy machine" row. At capacity the search's generators and server need every core; half a core
 * taken by others is a quarter of a 2-core machine, more than a figure can lose without notice.
 * The load average cannot tell: while a search runs, its own processes hold it near the core count.
 */
export const BUSY_OTHER_CORES = 0.5;

/** The load average before the run counts only other work: busy above half the cores. */
const busyLoad = (load: number, cores: number): boolean => load > cores * 0.5;

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** The generator verdict of a step, in words. */
function generatorWords(g: ChurnFailedStep['generator']): string {
  return g === 'ok' ? 'a healthy generator' : g === 'host' ? 'the host flagged busy' : 'the generator flagged saturated';
}

/** Who limited a figure, in words: the failed step's own verdict, not the search's other steps. */
export function limitedBy(r: ChurnRow): string {
  if (r.limit === 'run-failed') return r.verdict || 'the search did not complete';
  if (r.rate === null) return r.verdict || 'no rate held';
  const f = r.failedStep;
  const what = f ? `${f.rate} sessions/s failed (${f.failed.join(', ') || 'the run did not complete'})` : `${r.failedAt} sessions/s failed`;
  if (r.limit === 'server') {
    if (!f) return `server: ${what}`;
    return f.generator === 'ok'
      ? `server: ${what} with ${generatorWords('ok')}`
      : `server: ${what} with ${generatorWords(f.generator)}, but by more than the harness delay could add`;
  }
  if (r.limit === 'generator' || r.limit === 'host')
    return `**${r.limit === 'host' ? 'busy host' : 'generator'}**: lower bound; ${what} twice with ${generatorWords(f?.generator ?? (r.limit === 'host' ? 'host' : 'generator'))}`;
  if (r.limit === 'max-steps') return `step budget ran out (${r.maxSessionsPerSec} sessions/s held${r.failedAt !== null ? `; ${what}` : ''})`;
  if (r.limit === 'rate-cap') return `**rate cap**: lower bound (every step up to ${r.maxSessionsPerSec} sessions/s held)`;
  return r.limit;
}

/** The search column: steps, the flagged ones by kind, time, the load and the CPU others took. */
function searchCell(x: ChurnRow, cores: number): string {
  // results written before these fields existed render without them
  const flags = [x.flagged?.generator ? `${x.flagged.generator} generator saturated` : '', x.flagged?.host ? `${x.flagged.host} host busy` : ''].filter(
    Boolean,
  );
  const others = x.cpu ? `; others ${x.cpu.otherCores} cores (${pct(x.cpu.others)})${x.cpu.otherCores >= BUSY_OTHER_CORES ? ' **machine busy**' : ''}` : '';
  return `${x.steps} steps${flags.length ? ` (flagged: ${flags.join(', ')})` : ''}, ${x.seconds} s, load ${x.loadAverage.join('→')} of ${cores} cores${others}`;
}

/** Publish: delivery at the figure, in words. */
function deliveryCell(x: ChurnRow, subscribers: number): string {
  const d = x.delivery;
  if (!d) return '–';
  const ratio = d.ratio === null ? '–' : `${(d.ratio * 100).toFixed(2)}%`;
  return `${ratio} (${d.deliveries} of ${d.publishes} × ${subscribers}; ${d.subscribers} subscribers stayed); undelivered ${d.undelivered}, gaps ${d.gaps}${d.duplicates ? `, duplicates ${d.duplicates}` : ''}`;
}

export function churnTable(r: ChurnResult): string {
  const rows = r.rows.map(
    (x) =>
      `${x.measure.padEnd(8)} ${x.topology.padEnd(19)} ${String(x.rate ?? '-').padStart(7)}/s  per process ${String(x.perProcess ?? '-').padStart(7)}/s  ${x.limit}${x.lowerBound ? ' (lower bound)' : ''}${x.delivery ? `  delivered ${x.delivery.ratio === null ? '-' : `${(x.delivery.ratio * 100).toFixed(2)}%`}, gaps ${x.delivery.gaps}` : ''}  others ${x.cpu?.otherCores ?? '-'} cores`,
  );
  return ['measure  topology               rate        per worker process', ...rows].join('\n');
}

export function churnFigures(r: ChurnResult | null): ChurnFigure[] {
  if (!r) return [];
  return r.rows.map((x) => ({
    bench: 'channel-churn',
    figure: `${x.measure === 'churn' ? 'channels created+destroyed/s per process' : 'publishes/s into one channel'}, ${x.topology}`,
    value: x.rate === null ? '-' : `${x.measure === 'churn' ? x.perProcess : x.rate}${x.lowerBound ? ' (≥)' : ''}`,
    goal: `(seed: ~${x.measure === 'churn' ? '10K' : '20K'})`,
    met: null,
    date: r.date,
  }));
}

/** Whether any figure reached a claim, in words. */
function reproduced(churn: ChurnRow[], pub: ChurnRow[], cores: number): string {
  const hit = [
    ...churn.filter((x) => (x.perProcess ?? 0) >= CLAIM.churn).map((x) => `${x.topology} (churn)`),
    ...pub.filter((x) => (x.rate ?? 0) >= CLAIM.publish).map((x) => `${x.topology} (publish)`),
  ];
  return hit.length ? `The claim was reached by ${hit.join(', ')}.` : `Neither claim is reproduced on this ${cores}-core machine.`;
}

/** The search's options in words (from the rows' own options). */
function searchWords(xs: ChurnRow[]): string {
  const distinct = [...new Set(xs.flatMap((x) => (x.search ? [JSON.stringify(x.search)] : [])))].map((j) => JSON.parse(j) as ChurnSearchOptions);
  return (
    distinct
      .map(
        (o) =>
          `from ${o.from} sessions/s, raised ×${o.factor} while the SLO held, then bisected until within ${Math.round(o.precision * 100)}%; steps of ${o.stepSeconds} s, at most ${o.maxSteps}`,
      )
      .join('; or ') || 'no search completed'
  );
}

/** The conditions of the run, as measured. */
function conditionsWords(r: ChurnResult): string {
  const cores = r.environment.cores;
  const before = r.environment.loadAverage.before[0]!;
  const busyRows = r.rows.filter((x) => x.cpu && x.cpu.otherCores >= BUSY_OTHER_CORES);
  const others = r.rows.filter((x) => x.cpu).map((x) => x.cpu.otherCores);
  const range = !others.length ? '–' : Math.min(...others) === Math.max(...others) ? `${others[0]}` : `${Math.min(...others)}–${Math.max(...others)}`;
  const gens = [...new Set(r.rows.flatMap((x) => (x.generators == null ? [] : [x.generators])))].join(' or ') || '–';
  return [
    `The 1-minute load average was ${before.toFixed(1)} before the run started (work other than this run)${busyLoad(before, cores) ? `: **the machine was busy** (above half its ${cores} cores)` : ''}, and ${r.environment.loadAverage.after[0]!.toFixed(1)} at its end.`,
    `While a search runs, its own generator processes (${gens}) and server processes are runnable too, so the load average says little about other work then; the "search" column gives, per search, the cores' worth of CPU that other processes used (all CPU time from /proc/stat minus this benchmark's process tree): ${range} cores.`,
    busyRows.length
      ? `**The machine was busy** (others ≥ ${BUSY_OTHER_CORES} core) during ${busyRows.length} of ${r.rows.length} searches (${busyRows.map((x) => `${x.measure} ${x.topology}`).join(', ')}): those figures are below what the same code does on an idle machine.`
      : `Other processes used under ${BUSY_OTHER_CORES} core during every search.`,
    `The generators and the server always shared the same ${cores} cores, so each figure is below what the server does with the load generated elsewhere, and the topologies compare only as well as one sequential run can.`,
  ].join(' ');
}

export function churnSection(r: ChurnResult): string {
  const cores = r.environment.cores;
  const row = (x: ChurnRow): string =>
    `| ${x.topology} | ${x.engine} | ${x.processes}${x.extra ? `, ${x.extra}` : ''} | ${x.maxSessionsPerSec ?? '–'} | **${x.rate ?? '–'}** | ${x.perProcess ?? '–'} | ${x.measure === 'publish' ? `${x.deliveriesPerSec ?? '–'} | ${deliveryCell(x, r.subscribers)} | ` : ''}${
      Object.entries(x.p99)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '–'
    } | ${limitedBy(x)} | ${searchCell(x, cores)} |`;
  const churn = r.rows.filter((x) => x.measure === 'churn');
  const pub = r.rows.filter((x) => x.measure === 'publish');
  const sloOf = (xs: ChurnRow[]): string => xs.find((x) => x.slo.length)?.slo.join(', ') ?? '–';
  const ratio = (xs: ChurnRow[], claim: number, per: 'perProcess' | 'rate'): string =>
    xs
      .filter((x) => x[per] !== null)
      .map((x) => `${x.topology} ${((x[per]! / claim) * 100).toFixed(1)}%`)
      .join(', ');
  return `## Channel churn and publish rate (SocketCluster's claims)

\`node --import tsx bench/channel-churn.ts\` (also \`npm run bench -- --only channel-churn\`; ${r.minutes} min this time) writes
\`bench/results/channel-churn.json\`. For each topology it runs two capacity searches (\`rtbench run --find-max\`,
docs/capacity-search.md) of steps of constant session arrival rate: churn ${searchWords(churn)}; publish ${searchWords(pub)}.
The SocketCluster source document claims **~10K channels created and destroyed per second per process** and
**~20K messages per second per channel**; it does not say on what machine or how it measured them.

Run ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.environment.cpu} × ${cores}, Node ${r.environment.node}. **Conditions, as measured:** ${conditionsWords(r)}${r.note ? `\n\n**Note from whoever ran it:** ${r.note}` : ''}

"Limited by" is the verdict of the step that failed at the rate above the figure (the last one run there): its failed
thresholds and what rtbench said of its generator. "Flagged" counts the search's steps where rtbench reported the
generator saturated or the host busy.

**Churn** (\`scenarios/channel-churn.ts\`): each session subscribes to and unsubscribes from ${churn[0]?.perSession ?? 100} fresh channels, one pair
every 10 ms. Channels/s = the acked subscribes of the step ÷ its length. SLO: ${sloOf(churn)}.

| topology | engine | server worker processes | sessions/s | channels/s | per process | p99 at the figure (ms) | limited by | search |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${churn.map(row).join('\n')}

**Publish into one channel** (\`scenarios/channel-publish.ts\`): ${r.subscribers} subscribers (the first sessions) stay on one channel
until a grace period after the load ends (\`LINGER_MS\`); publisher sessions wait \`SETTLE_MS\` after connecting, then publish up to
${pub[0]?.perSession ?? 100} times each, one every 10 ms, and stop when the load ends, so every publish had all ${r.subscribers} subscribers. Publishes/s and deliveries/s are the mean
messages sent, and received less the publishes' acks, per second over the step's full-rate seconds. Delivered = messages received ÷ (acked
publishes × ${r.subscribers}); undelivered = messages a subscriber found missing by the server's per-worker sequence numbers. SLO: ${sloOf(pub)}.

| topology | engine | server worker processes | sessions/s | publishes/s | per process | deliveries/s | delivered | p99 at the figure (ms) | limited by | search |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${pub.map(row).join('\n')}

Against the claims: channels/s per process as a share of 10K: ${ratio(churn, CLAIM.churn, 'perProcess') || '–'}; publishes/s into one
channel as a share of 20K: ${ratio(pub, CLAIM.publish, 'rate') || '–'}. ${reproduced(churn, pub, cores)} One run each, on a machine
shared as measured above: small differences between topologies are not meaningful.
`;
}
