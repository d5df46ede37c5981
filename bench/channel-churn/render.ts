/** The channel-churn benchmark's figures and BENCHMARKS.md section (bench/channel-churn.ts writes the results). */
import type { RequestFigure } from '../request/render.ts';

export interface ChurnRow {
  measure: 'churn' | 'publish';
  topology: string;
  engine: string;
  /** Server worker processes (the rate per process divides by these). */
  processes: number;
  /** Other server processes (broker, Redis), in words. */
  extra: string;
  slo: string[];
  /** The search's figure, sessions/s (each session churns `perSession` channels or publishes `perSession` times). */
  maxSessionsPerSec: number | null;
  perSession: number;
  /** Channels created+destroyed per second (churn) or publishes per second (publish) at the figure. */
  rate: number | null;
  perProcess: number | null;
  /** Publish: deliveries per second to the subscribers at the figure. */
  deliveriesPerSec: number | null;
  /** p99 (ms) at the figure of the SLO's latencies. */
  p99: Record<string, number>;
  limit: string;
  lowerBound: boolean;
  steps: number;
  /** Steps whose generator was flagged (saturated or host busy). */
  flaggedSteps: number;
  failedAt: number | null;
  verdict: string;
  seconds: number;
  loadAverage: number[];
}

export interface ChurnResult {
  date: string;
  minutes: number;
  environment: { node: string; cpu: string; cores: number; loadAverage: { before: number[]; after: number[] } };
  subscribers: number;
  rows: ChurnRow[];
}

/** A figure of the summary table (the same shape as every benchmark's). */
export type ChurnFigure = RequestFigure;

const CLAIM = { churn: 10_000, publish: 20_000 };

/** Who limited a figure, in words. */
function limitedBy(r: ChurnRow): string {
  if (r.rate === null) return 'no rate held';
  if (r.limit === 'server') return r.flaggedSteps > 0 ? `server (SLO failed beyond harness delay; ${r.flaggedSteps}/${r.steps} steps flagged busy)` : 'server';
  if (r.limit === 'generator' || r.limit === 'host') return `**${r.limit === 'host' ? 'busy host' : 'generator'}**: lower bound`;
  if (r.limit === 'max-steps') return `step budget ran out (${r.maxSessionsPerSec} sessions/s held${r.failedAt !== null ? `, ${r.failedAt} failed` : ''})`;
  return r.limit;
}

export function churnTable(r: ChurnResult): string {
  const rows = r.rows.map((x) => `${x.measure.padEnd(8)} ${x.topology.padEnd(16)} ${String(x.rate ?? '-').padStart(7)}/s  per process ${String(x.perProcess ?? '-').padStart(7)}/s  ${x.limit}${x.lowerBound ? ' (lower bound)' : ''}`);
  return ['measure  topology            rate        per worker process', ...rows].join('\n');
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
function reproduced(churn: ChurnRow[], pub: ChurnRow[]): string {
  const hit = [...churn.filter((x) => (x.perProcess ?? 0) >= CLAIM.churn).map((x) => `${x.topology} (churn)`), ...pub.filter((x) => (x.rate ?? 0) >= CLAIM.publish).map((x) => `${x.topology} (publish)`)];
  return hit.length ? `The claim was reached by ${hit.join(', ')}.` : 'Neither claim is reproduced on this shared 2-core machine.';
}

export function churnSection(r: ChurnResult): string {
  const row = (x: ChurnRow): string =>
    `| ${x.topology} | ${x.engine} | ${x.processes}${x.extra ? `, ${x.extra}` : ''} | ${x.maxSessionsPerSec ?? '–'} | **${x.rate ?? '–'}** | ${x.perProcess ?? '–'} | ${x.measure === 'publish' ? `${x.deliveriesPerSec ?? '–'} | ` : ''}${Object.entries(x.p99).map(([k, v]) => `${k} ${v}`).join(', ') || '–'} | ${limitedBy(x)} | ${x.steps} steps, ${x.seconds} s, load ${x.loadAverage.join('→')} |`;
  const churn = r.rows.filter((x) => x.measure === 'churn');
  const pub = r.rows.filter((x) => x.measure === 'publish');
  const sloOf = (xs: ChurnRow[]): string => xs[0]?.slo.join(', ') ?? '';
  const ratio = (xs: ChurnRow[], claim: number, per: 'perProcess' | 'rate'): string =>
    xs.filter((x) => x[per] !== null).map((x) => `${x.topology} ${((x[per]! / claim) * 100).toFixed(1)}%`).join(', ');
  return `## Channel churn and publish rate (SocketCluster's claims)

\`node --import tsx bench/channel-churn.ts\` (also \`npm run bench -- --only channel-churn\`; ${r.minutes} min this time) writes
\`bench/results/channel-churn.json\`. For each topology it runs two capacity searches (\`rtbench run --find-max\`,
README "Capacity search"): steps of constant session arrival rate, raised ×2 while the SLO holds, then bisected to 15%.
The SocketCluster source document claims **~10K channels created and destroyed per second per process** and
**~20K messages per second per channel**.

Run ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.environment.cpu} × ${r.environment.cores}, Node ${r.environment.node}, load average
${r.environment.loadAverage.before[0]!.toFixed(1)} before → ${r.environment.loadAverage.after[0]!.toFixed(1)} after. **Conditions:** ${
  Math.max(r.environment.loadAverage.before[0]!, r.environment.loadAverage.after[0]!) > 4
    ? 'the two cores were shared with other work running at the same time (see the load average): the generator processes (rtbench, 2) and the server processes ran on the same two busy cores, so the figures are far below what either side does on its own cores,'
    : 'nothing else ran on the machine, but the generator processes (rtbench, 2) and the server processes shared its two cores, so each figure is below what the server does with the load generated elsewhere,'
} and they compare the topologies only as well as one sequential run can. "Flagged" steps are those where rtbench
reported the generator saturated or the host busy.

**Churn** (\`scenarios/channel-churn.ts\`): each session subscribes to and unsubscribes from ${churn[0]?.perSession ?? 100} fresh channels, one pair
every 10 ms. SLO: ${sloOf(churn)}.

| topology | engine | server worker processes | sessions/s | channels/s | per process | p99 at the figure (ms) | limited by | search |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${churn.map(row).join('\n')}

**Publish into one channel** (\`scenarios/channel-publish.ts\`): ${r.subscribers} subscribers stay on one channel; publisher sessions publish
${pub[0]?.perSession ?? 100} times each, one every 10 ms. SLO: ${sloOf(pub)}.

| topology | engine | server worker processes | sessions/s | publishes/s | per process | deliveries/s | p99 at the figure (ms) | limited by | search |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${pub.map(row).join('\n')}

Against the claims: channels/s per process as a share of 10K: ${ratio(churn, CLAIM.churn, 'perProcess') || '–'}; publishes/s into one
channel as a share of 20K: ${ratio(pub, CLAIM.publish, 'rate') || '–'}. ${reproduced(churn, pub)} The searches say which side limited each
figure; the claims came from dedicated multi-core machines with the load generated elsewhere. One run each: repeated runs on this
shared host moved by up to a factor of about 2, so smaller differences between topologies are noise.
`;
}
