/**
 * Channel churn, measured side by side: for each topology, a capacity search (`--find-max`) of
 * scenarios/channel-churn.ts (channels created and destroyed per second: subscribe + unsubscribe of
 * a fresh channel) and of scenarios/channel-publish.ts (publishes per second into one channel with
 * RTBENCH_SUBSCRIBERS subscribers), under each scenario's SLO. Topologies: single, cluster:2
 * (cluster adapter), cluster:2:rr:redis and socketcluster:2 (engine socket.io-lean on the first three,
 * socketcluster on the last). The figures are set beside SocketCluster's own claims (~10K
 * channels/s per process, ~20K messages/s per channel). Writes bench/results/channel-churn.json.
 * About 15-25 minutes on a 2-core machine.
 *
 *   node --import tsx bench/channel-churn.ts            (also `npm run bench -- --only channel-churn`)
 *
 * RTBENCH_CHURN_TOPOLOGIES=single,socketcluster:2 limits the topologies; RTBENCH_CHURN_MEASURES=churn|publish one measure.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult, SearchResult } from '../src/result/types.ts';
import type { Output } from '../src/reporters/types.ts';
import { runSearch } from '../src/search/run-search.ts';
import { environment } from './env.ts';
import { churnTable, type ChurnResult, type ChurnRow } from './channel-churn/render.ts';

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
const onlyTopologies = process.env.RTBENCH_CHURN_TOPOLOGIES?.split(',').map((s) => s.trim());
const onlyMeasure = process.env.RTBENCH_CHURN_MEASURES;
const silent: Output = { write: () => {}, isTTY: false };
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** The step at the figure (the highest that held), or null. */
function best(s: SearchResult): RunResult | null {
  return [...s.steps].reverse().find((st) => st.passed && st.rate === s.maxRate)?.result ?? null;
}

const loadBefore = os.loadavg();
const started = Date.now();
const rows: ChurnRow[] = [];
for (const m of MEASURES) {
  if (onlyMeasure && onlyMeasure !== m.measure) continue;
  for (const t of TOPOLOGIES) {
    if (onlyTopologies && !onlyTopologies.includes(t.topology)) continue;
    const out = mkdtempSync(join(os.tmpdir(), 'rtbench-churn-'));
    const t0 = Date.now();
    const load0 = os.loadavg()[0]!;
    try {
      log(`channel-churn: ${m.measure} on ${t.topology} (${t.engine})`);
      await measure(m, t, out, t0, load0);
    } catch (e) {
      // one topology that cannot run is reported, and the others still run
      log(`  → FAILED: ${e instanceof Error ? e.message : String(e)}`);
      rows.push({ measure: m.measure, topology: t.topology, engine: t.engine, processes: t.processes, extra: t.extra, slo: [], maxSessionsPerSec: null, perSession: m.perSession, rate: null, perProcess: null, deliveriesPerSec: null, p99: {}, limit: 'run-failed', lowerBound: false, steps: 0, flaggedSteps: 0, failedAt: null, verdict: `could not run: ${e instanceof Error ? e.message : String(e)}`, seconds: Math.round((Date.now() - t0) / 1000), loadAverage: [load0] });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
}

/** One capacity search (`m` on `t`), its figure added to `rows`. */
async function measure(m: (typeof MEASURES)[number], t: (typeof TOPOLOGIES)[number], out: string, t0: number, load0: number): Promise<void> {
  const stepLog: Output = { isTTY: false, write: (x) => void (/^\s+[\d.]+\/s/.test(x) && process.stderr.write(x)) };
  const { searches } = await runSearch(join(root, m.file), { topology: t.topology, out, stdout: stepLog, stderr: silent });
  const s = searches[0]!;
  const r = best(s);
  const stepSecs = s.options.stepMs / 1000;
  const rate = r ? (r.metrics[m.op]?.count ?? 0) / stepSecs : null;
  rows.push({
    measure: m.measure,
    topology: t.topology,
    engine: t.engine,
    processes: t.processes,
    extra: t.extra,
    slo: s.slo,
    maxSessionsPerSec: s.maxRate,
    perSession: m.perSession,
    rate: rate === null ? null : Math.round(rate),
    perProcess: rate === null ? null : Math.round(rate / t.processes),
    deliveriesPerSec: m.measure === 'publish' && r ? Math.round((r.metrics.publish?.count ?? 0) / stepSecs) : null,
    p99: r ? Object.fromEntries(Object.entries(r.metrics).filter(([k]) => k === m.op || k === 'ack:unsubscribe' || k === 'publish').map(([k, v]) => [k, Math.round(v.p99 * 10) / 10])) : {},
    limit: s.limit,
    lowerBound: s.lowerBound,
    steps: s.steps.length,
    flaggedSteps: s.steps.filter((st) => st.generator !== 'ok').length,
    failedAt: s.failedAt,
    verdict: s.verdict,
    seconds: Math.round((Date.now() - t0) / 1000),
    loadAverage: [load0, os.loadavg()[0]!].map((x) => Math.round(x * 10) / 10),
  });
  log(`  → ${rows.at(-1)!.rate ?? '-'} /s (${s.limit}${s.lowerBound ? ', lower bound' : ''}) in ${rows.at(-1)!.seconds} s`);
}

const result: ChurnResult = { date: new Date(started).toISOString(), minutes: Math.round((Date.now() - started) / 6000) / 10, environment: environment(loadBefore), subscribers: Number(process.env.RTBENCH_SUBSCRIBERS ?? 10), rows };
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'channel-churn.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${churnTable(result)}\nwrote bench/results/channel-churn.json\n`);
