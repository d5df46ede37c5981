/** bench/results/overhead.json, and its figures and section of BENCHMARKS.md (rendered by bench/index.ts). */
import type { Figure } from '../types.ts';
import { PERCENTILES, fmtRatio, overall, verdicts, type GoalVerdict, type Outcome, type Pct } from './verdict.ts';

interface Dist {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  generators?: number;
  cpuUsPerAck?: number | null;
}
interface Sample extends Dist {
  saturation?: string;
  load1?: number;
  harnessDelay?: { p50: number; p90: number; p99: number; max: number } | null;
}
type Variant = 'minimal' | 'minimal-again' | 'rtbench' | 'rtbench-2-generators';
export interface OverheadResult {
  date: string;
  environment: { cores?: number; loadAverage: { before: number[]; after: number[] } };
  config: { rates: number[]; wsRates?: number[]; server?: string; intervalMs: number; seconds: number; rounds: number; count: number; leadMs?: number; variants?: Variant[] };
  elapsedS?: number;
  results: Array<{
    /** absent before 2026-12-08: socket.io against the reference `single` server */
    engine?: 'socket.io' | 'ws';
    server?: string;
    rate: number;
    clients: number;
    medians: Partial<Record<Variant, Dist>>;
    samples: Partial<Record<Variant, Sample[]>>;
    /** absent in results written before the A/A pair and the intervals (2026-12-02) */
    verdicts?: Record<Pct, GoalVerdict>;
    outcome?: Outcome;
  }>;
  outcome?: Outcome;
}

const goalText = (p: Pct): string => (p === 'p50' ? '≤ +50 µs' : p === 'p90' ? '≤ 1.10' : '≤ 1.15 (or +200 µs)');
const rateText = (rate: number, engine?: string): string => `${rate.toLocaleString('en-US')} acked ${engine === 'ws' ? 'ws requests' : 'emits'}/s`;
const clientText = (engine?: string): string => (engine === 'ws' ? 'minimal ws client' : 'minimal socket.io-client');
/** The summary table's verdict: PASS / MISS only when the interval decides it. */
const summaryVerdict = (v: GoalVerdict): string => (v.outcome === 'inconclusive' ? `inconclusive (noise floor ±${v.noiseFloorPct.toFixed(0)}%, see A/A)` : v.outcome === 'met' ? 'PASS' : 'MISS');

/**
 * The verdicts judged again from the stored per-round samples, by the rule in verdict.ts as it is
 * now (so `--render` applies a corrected rule to a measured run without measuring it again).
 */
export function rejudged(r: OverheadResult): OverheadResult {
  const results = r.results.map((x) => {
    const { minimal, rtbench } = x.samples;
    const again = x.samples['minimal-again'];
    if (!minimal || !rtbench || !again) return x;
    const v = verdicts({ minimal, 'minimal-again': again, rtbench });
    return { ...x, verdicts: v, outcome: overall(PERCENTILES.map((p) => v[p].outcome)) };
  });
  return { ...r, results, outcome: overall(results.map((x) => x.outcome ?? 'inconclusive')) };
}

/** Per rate: one row per goal (rtbench ÷ minimal, with its interval and verdict), and the A/A row (information). */
export function overheadFigures(stored: OverheadResult | null): Figure[] {
  const r = stored && rejudged(stored);
  const current = r?.results.every((x) => x.verdicts);
  if (!r || !current) return [{ bench: 'overhead', figure: 'ack p50 / p90 / p99, rtbench ÷ minimal socket.io-client (bootstrap 95% interval)', value: '-', goal: '+50 µs / 1.10 / 1.15', met: null, ...(r ? { date: r.date } : {}) }];
  return r.results.flatMap((x) => {
    const v = x.verdicts!;
    return [
      ...PERCENTILES.map((p) => ({
        bench: 'overhead',
        figure: `ack ${p} at ${rateText(x.rate, x.engine)}, rtbench ÷ ${clientText(x.engine)} [95% interval]`,
        value: fmtRatio(v[p].ratio),
        goal: goalText(p),
        met: v[p].outcome === 'inconclusive' ? null : v[p].outcome === 'met',
        verdictText: summaryVerdict(v[p]),
        date: r.date,
      })),
      {
        bench: 'overhead',
        figure: `A/A: ack p50 / p90 / p99 at ${rateText(x.rate, x.engine)}, minimal ÷ minimal (the noise floor)`,
        value: PERCENTILES.map((p) => fmtRatio(v[p].aa)).join(' / '),
        goal: '(1.00 if no noise)',
        met: null,
        date: r.date,
      },
    ];
  });
}

const ms = (x: number): string => (x >= 9.995 ? x.toFixed(1) : x.toFixed(2));

/** The "## Harness overhead" section. */
export function overheadSection(stored: OverheadResult, when: string, load: string): string {
  const r = rejudged(stored);
  const c = r.config;
  const label = (v: Variant, d: Dist): string =>
    v === 'minimal' ? 'minimal socket.io-client (own process)' : v === 'minimal-again' ? 'minimal socket.io-client again (A/A)' : v === 'rtbench' ? `rtbench, default (${d.generators ?? '?'} generator${d.generators === 1 ? '' : 's'})` : 'rtbench, 2 generators (one per core)';
  const variants = (c.variants ?? (Object.keys(r.results[0]?.medians ?? {}) as Variant[])).filter((v) => r.results.every((x) => x.medians[v]));
  const rows = r.results.flatMap((x) =>
    variants.map((v) => {
      const d = x.medians[v]!;
      return `| ${x.rate.toLocaleString('en-US')} | ${label(v, d)} | ${d.count} | ${ms(d.p50)} | ${ms(d.p90)} | ${ms(d.p99)} | ${d.cpuUsPerAck ? d.cpuUsPerAck.toFixed(0) : '-'} |`;
    }),
  );
  const ratioRows = r.results.flatMap((x) =>
    PERCENTILES.map((p) => {
      const v = x.verdicts![p];
      return `| ${x.rate.toLocaleString('en-US')} | ${p} | **${fmtRatio(v.ratio)}** | ${fmtRatio(v.aa)} | ≤ ${v.bound.toFixed(2)} | ${v.text} |`;
    }),
  );
  const perRound = r.results.map((x) => {
    const col = (v: Variant, p: Pct): string => (x.samples[v] ?? []).map((d) => ms(d[p])).join(', ');
    const loads = (x.samples.rtbench ?? []).map((d) => (d.load1 === undefined ? '-' : d.load1.toFixed(1))).join(', ');
    return `- ${x.rate.toLocaleString('en-US')}/s, p99 of each round (ms): minimal ${col('minimal', 'p99')}; minimal again ${col('minimal-again', 'p99')}; rtbench ${col('rtbench', 'p99')}. Load average after each rtbench run: ${loads}. Verdicts of the rtbench runs: ${(x.samples.rtbench ?? []).map((s) => s.saturation ?? '-').join(', ')}.`;
  });
  const twoGen = variants.includes('rtbench-2-generators')
    ? r.results.map((x) => {
        const m = x.medians.minimal!;
        const g = x.medians['rtbench-2-generators']!;
        return `- ${x.rate.toLocaleString('en-US')}/s with 2 generators, medians ÷ minimal: ${(g.p50 / m.p50).toFixed(2)} / ${(g.p90 / m.p90).toFixed(2)} / ${(g.p99 / m.p99).toFixed(2)} (no interval).`;
      })
    : [];
  // the highest 1-minute load average seen (before, after each run, after): above the core count, other work shared the cores
  const loads = [r.environment.loadAverage.before[0] ?? 0, r.environment.loadAverage.after[0] ?? 0, ...r.results.flatMap((x) => Object.values(x.samples).flatMap((xs) => xs.map((d) => d.load1 ?? 0)))];
  const cores = r.environment.cores ?? 2;
  const busy = Math.max(...loads) > cores ? ` (up to ${Math.max(...loads).toFixed(1)} during the rounds, above the ${cores} cores: other work shared the machine, and moved every client's figures, the minimal client's too)` : '';
  const minutes = r.elapsedS !== undefined ? `${(r.elapsedS / 60).toFixed(1)} minutes in this run` : `about ${Math.round((c.rates.length * c.rounds * variants.length * (c.seconds + 7)) / 60)} minutes`;
  return `## Harness overhead: rtbench's ack latency against a minimal client

\`node --import tsx bench/overhead.ts\` (part of \`npm run bench\`, ${minutes}) writes
\`bench/results/overhead.json\`. Does rtbench report the server's latency, or add its own? At each
rate, rate/10 clients connect, then each sends one acked \`echo\` every ${c.intervalMs} ms for ${c.seconds} s (open loop)
from one instant T0 on the host's monotonic clock, client k offset by k/(rate/10) s, against one
reference server (\`single\`, its own process), timed by one rule: ack time − scheduled send time, or − the send
time when the timer fired early (a Node timer fires up to ~1.7 ms early on the hrtime clock; until
2026-12-02 02:40 UTC the minimal client timed those from the later scheduled time, which shortened
its round trips and made every earlier ratio here too high).
In each of ${c.rounds} rounds (the order rotating) run: a minimal socket.io-client loop in its own process
(\`bench/overhead/minimal.ts\`, exact percentiles), \`rtbench run --target\` with its default generator
count, and the same minimal client a second time: the **A/A** pair, whose ratio would be 1.00 on a
machine without noise, so its interval is the noise floor of every ratio here, in the same run.
The rounds are paired: the three clients of a round run within the same minute, so the machine's
drift between rounds moves them alike and cancels in the round's own ratio. Each ratio is the
median over rounds of one client's percentile ÷ the minimal client's in the same round, with a
bootstrap 95% interval (rounds resampled, seeded).
Verdict per goal: **met** only when the interval's upper end is within the goal (and the A/A
interval's too: a run whose noise floor reaches past the goal cannot tell a pass from noise);
**not met** when its lower end is beyond the goal; otherwise **inconclusive on this machine**.
Client CPU per ack: the minimal client's process over its schedule; rtbench's generator processes
over the whole run (their connects and idle lead included), from their per-second CPU samples.
Run ${when}; load average ${load}${busy}.

| emits/s | client | acks | p50 ms | p90 ms | p99 ms | client CPU µs / ack |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

(medians over the ${c.rounds} rounds)

| emits/s | percentile | rtbench ÷ minimal [95% interval] | A/A: minimal ÷ minimal [95% interval] | goal | verdict |
| --- | --- | --- | --- | --- | --- |
${ratioRows.join('\n')}

${[...perRound, ...twoGen].join('\n')}
- Where rtbench's added latency came from, and what was done (2026-12-01): each process beyond the
  load's need competes with the server for a core on the same host, so the default generator count
  is sized from the load (one per 5,000 VUs or 500 arrivals/s, at most one per core) instead of one
  per core (\`RTBENCH_OH_TWO_GENERATORS=1\` adds rtbench with 2 generators to the rounds, to measure
  what the old default cost). The saturation verdict no longer blames the generator for the host's
  delay (the coordinator is a same-host sentinel).
- A V8 CPU profile of rtbench's generator at 2,000 emits/s (\`RTBENCH_CPU_PROF_DIR\`, 2026-12-01) puts
  rtbench's own code (session client timing, \`every\`, recorder, per-second snapshot) at about 3%
  of the generator's busy time; most of it is socket.io-client (its \`esm-debug\` build, which the
  minimal client loads too) and the kernel's socket writes (\`writev\`, 16%). Its CPU per ack above
  includes the connects (~1.5 ms of CPU each) and ~0.3 s of module loading per generator process,
  which the minimal client's figure does not.
- Rounds, seconds and rates: \`RTBENCH_OH_ROUNDS\`, \`RTBENCH_OH_SECONDS\`, \`RTBENCH_OH_RATES\`. More
  rounds narrow the intervals; on a machine shared with other work the A/A interval says how far
  any ratio here can be trusted.

`;
}
