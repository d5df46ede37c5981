/**
 * Channel churn, measured side by side: for each topology, a capacity search (`--find-max`) of
 * scenarios/channel-churn.ts (channels created and destroyed per second: subscribe + unsubscribe of
 * a fresh channel) and of scenarios/channel-publish.ts (publishes per second into one channel with
 * RTBENCH_SUBSCRIBERS subscribers), under each scenario's SLO. Topologies: single, cluster:2
 * (cluster adapter), cluster:2:rr:redis and socketcluster:2 (engine socket.io-lean on the first three,
 * socketcluster on the last). The figures are set beside SocketCluster's own claims (~10K
 * channels/s per process, ~20K messages/s per channel). Writes bench/results/channel-churn.json.
 * Each row records how the search went (its options, the step that failed and its generator verdict,
 * the steps flagged), the publish rows how many messages reached the subscribers (delivered ÷
 * (publishes × subscribers), gaps), and the conditions: the load average at the start and end of
 * each search and the share of the machine's CPU that other processes used meanwhile
 * (channel-churn/machine.ts). About 10-20 minutes on a 2-core machine.
 *
 *   node --import tsx bench/channel-churn.ts            (also `npm run bench -- --only channel-churn`)
 *
 * RTBENCH_CHURN_TOPOLOGIES=single,socketcluster:2 limits the topologies; RTBENCH_CHURN_MEASURES=churn|publish one measure;
 * RTBENCH_NOTE='…' records a note from whoever ran it (e.g. what else shared the machine), shown with the figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult, SearchResult } from '../src/result/types.ts';
import type { Output } from '../src/run/reporter.ts';
import { runSearch } from '../src/search/run-search.ts';
import { environment } from './env.ts';
import { churnTable, type ChurnResult, type ChurnRow } from './channel-churn/render.ts';
import { cpuMark, cpuSince, type CpuMark } from './channel-churn/machine.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const TOPOLOGIES: Array<{ topology: string; engine: 'socket.io-lean' | 'socketcluster'; processes: number; extra: string }> = [
  { topology: 'single', engine: 'socket.io-lean', processes: 1, extra: '' },
  { topology: 'cluster:2', engine: 'socket.io-lean', processes: 2, extra: 'cluster adapter' },
  { topology: 'cluster:2:rr:redis', engine: 'socket.io-lean', processes: 2, extra: '+ redis-server' },
  { topology: 'socketcluster:2', engine: 'socketcluster', processes: 2, extra: '+ 1 scc-broker process' },
];
const MEASURES = [
  { measure: 'churn' as const, file: 'scenarios/channel-churn.ts', op: 'ack:subscribe', perSession: Number(process.env.RTBENCH_PAIRS ?? 100) },
  { measure: 'publish' as const, file: 'scenarios/channel-publish.ts', op: 'ack:publish', perSession: Number(process.env.RTBENCH_PUBLISHES ?? 100) },
];
const SUBSCRIBERS = Number(process.env.RTBENCH_SUBSCRIBERS ?? 10);
const onlyTopologies = process.env.RTBENCH_CHURN_TOPOLOGIES?.split(',').map((s) => s.trim());
const onlyMeasure = process.env.RTBENCH_CHURN_MEASURES;
const silent: Output = { write: () => {}, isTTY: false };
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** The step at the figure (the highest that held), or null. */
function best(s: SearchResult): RunResult | null {
  return [...s.steps].reverse().find((st) => st.passed && st.rate === s.maxRate)?.result ?? null;
}

/** The step that failed at `failedAt` (the last one run at that rate), in the row's terms. */
function failedStep(s: SearchResult): ChurnRow['failedStep'] {
  const st = [...s.steps].reverse().find((x) => !x.passed && x.rate === s.failedAt);
  if (!st) return null;
  return {
    rate: st.rate,
    generator: st.generator,
    beyondHarness: st.beyondHarness,
    failed: st.thresholds
      .filter((t) => !t.ok)
      .map(
        (t) =>
          `${t.subject} ${t.actual === null ? 'not measured' : `= ${t.unit === 'fraction' ? `${(t.actual * 100).toFixed(2)}%` : `${Math.round(t.actual * 10) / 10}${t.unit === 'ms' ? ' ms' : ''}`}`}`,
      ),
  };
}

/**
 * Publishes per second at the figure, measured: the mean of the messages sent per second over the
 * whole seconds at the full rate: from the subscribers' arrival + the publishers' 1 s settle + the 1 s
 * their schedules take to overlap fully, to the second before the load's last (publishers stop at its
 * end, on each generator's clock), or null when the step had no such second.
 */
function steadyPerSec(r: RunResult, sessionsPerSec: number, stepSecs: number, what: 'publishes' | 'deliveries'): number | null {
  const from = Math.ceil(SUBSCRIBERS / sessionsPerSec + 2.2);
  const secs = r.timeseries.filter((p) => p.t >= from && p.t < stepSecs - 1);
  // a publish is a message sent; what the subscribers receive is the messages received less the publishes' acks (one each)
  const of = (p: RunResult['timeseries'][number]): number => (what === 'publishes' ? p.messagesSent : p.messagesReceived - p.messagesSent);
  return secs.length ? secs.reduce((a, p) => a + of(p), 0) / secs.length : null;
}

const loadBefore = os.loadavg();
const cores = os.availableParallelism();
const started = Date.now();
const rows: ChurnRow[] = [];
for (const m of MEASURES) {
  if (onlyMeasure && onlyMeasure !== m.measure) continue;
  for (const t of TOPOLOGIES) {
    if (onlyTopologies && !onlyTopologies.includes(t.topology)) continue;
    const out = mkdtempSync(join(os.tmpdir(), 'rtbench-churn-'));
    const at: Mark = { t0: Date.now(), load0: os.loadavg()[0]!, cpu: cpuMark() };
    try {
      log(`channel-churn: ${m.measure} on ${t.topology} (${t.engine})`);
      await measure(m, t, out, at);
    } catch (e) {
      // one topology that cannot run is reported, and the others still run
      log(`  → FAILED: ${e instanceof Error ? e.message : String(e)}`);
      rows.push({ ...emptyRow(m, t), verdict: `could not run: ${e instanceof Error ? e.message : String(e)}`, ...conditions(at) });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
}

interface Mark {
  t0: number;
  load0: number;
  cpu: CpuMark;
}

/** What the machine did during one search: seconds, the load average at its start and end, others' CPU. */
function conditions(at: Mark): Pick<ChurnRow, 'seconds' | 'loadAverage' | 'cpu'> {
  return {
    seconds: Math.round((Date.now() - at.t0) / 1000),
    loadAverage: [at.load0, os.loadavg()[0]!].map((x) => Math.round(x * 10) / 10),
    cpu: cpuSince(at.cpu, cores),
  };
}

function emptyRow(m: (typeof MEASURES)[number], t: (typeof TOPOLOGIES)[number]): Omit<ChurnRow, 'seconds' | 'loadAverage' | 'cpu'> {
  return {
    measure: m.measure,
    topology: t.topology,
    engine: t.engine,
    processes: t.processes,
    extra: t.extra,
    slo: [],
    search: null,
    maxSessionsPerSec: null,
    perSession: m.perSession,
    rate: null,
    perProcess: null,
    deliveriesPerSec: null,
    delivery: null,
    p99: {},
    limit: 'run-failed',
    lowerBound: false,
    steps: 0,
    flagged: { generator: 0, host: 0 },
    failedAt: null,
    failedStep: null,
    generators: null,
    verdict: '',
  };
}

/** One capacity search (`m` on `t`), its figure added to `rows`. */
async function measure(m: (typeof MEASURES)[number], t: (typeof TOPOLOGIES)[number], out: string, at: Mark): Promise<void> {
  const stepLog: Output = { isTTY: false, write: (x) => void (/^\s+[\d.]+\/s/.test(x) && process.stderr.write(x)) };
  const { searches } = await runSearch(join(root, m.file), { topology: t.topology, out, stdout: stepLog, stderr: silent });
  const s = searches[0]!;
  const r = best(s);
  const stepSecs = s.options.stepMs / 1000;
  const rate = !r ? null : m.measure === 'churn' ? (r.metrics[m.op]?.count ?? 0) / stepSecs : steadyPerSec(r, s.maxRate!, stepSecs, 'publishes');
  const c = r?.counters ?? {};
  const publishes = r?.metrics['ack:publish']?.count ?? 0;
  const deliveries = r?.metrics.publish?.count ?? 0;
  rows.push({
    ...emptyRow(m, t),
    slo: s.slo,
    search: { from: s.options.fromRate, factor: s.options.factor, precision: s.options.precision, stepSeconds: stepSecs, maxSteps: s.options.maxSteps },
    maxSessionsPerSec: s.maxRate,
    rate: rate === null ? null : Math.round(rate),
    perProcess: rate === null ? null : Math.round(rate / t.processes),
    deliveriesPerSec: m.measure === 'publish' && r ? Math.round(steadyPerSec(r, s.maxRate!, stepSecs, 'deliveries') ?? 0) : null,
    // every publish acked in the step, delivered to every subscriber: delivered ÷ (publishes × subscribers) is 1
    delivery:
      m.measure === 'publish' && r
        ? {
            publishes,
            subscribers: c.subscribers ?? 0,
            deliveries,
            ratio: publishes > 0 ? Math.round((deliveries / (publishes * SUBSCRIBERS)) * 10_000) / 10_000 : null,
            undelivered: c.undelivered ?? 0,
            gaps: c['publish.gaps'] ?? 0,
            duplicates: c['publish.duplicates'] ?? 0,
          }
        : null,
    p99: r
      ? Object.fromEntries(
          Object.entries(r.metrics)
            .filter(([k]) => k === m.op || k === 'ack:unsubscribe' || k === 'publish')
            .map(([k, v]) => [k, Math.round(v.p99 * 10) / 10]),
        )
      : {},
    limit: s.limit,
    lowerBound: s.lowerBound,
    steps: s.steps.length,
    flagged: { generator: s.steps.filter((st) => st.generator === 'generator').length, host: s.steps.filter((st) => st.generator === 'host').length },
    failedAt: s.failedAt,
    failedStep: failedStep(s),
    generators: r ? r.generator.processes.length : null,
    verdict: s.verdict,
    ...conditions(at),
  });
  const row = rows.at(-1)!;
  log(
    `  → ${row.rate ?? '-'} /s (${s.limit}${s.lowerBound ? ', lower bound' : ''}${row.delivery ? `; delivered ${row.delivery.deliveries}/${row.delivery.publishes}×${SUBSCRIBERS}` : ''}) in ${row.seconds} s; others used ${row.cpu.otherCores} cores`,
  );
}

const result: ChurnResult = {
  date: new Date(started).toISOString(),
  minutes: Math.round((Date.now() - started) / 6000) / 10,
  environment: environment(loadBefore),
  subscribers: SUBSCRIBERS,
  ...(process.env.RTBENCH_NOTE ? { note: process.env.RTBENCH_NOTE } : {}),
  rows,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'channel-churn.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${churnTable(result)}\nwrote bench/results/channel-churn.json\n`);
