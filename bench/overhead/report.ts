/** bench/results/overhead.json, and its figures and section of BENCHMARKS.md (rendered by bench/index.ts). */
import type { Figure } from '../types.ts';

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
  sentinelLoopP99?: number | null;
  generatorLoopP99?: number | null;
  generatorCpuMean?: number | null;
}
export interface OverheadResult {
  date: string;
  environment: { loadAverage: { before: number[]; after: number[] } };
  config: { rates: number[]; intervalMs: number; seconds: number; rounds: number; count: number };
  results: Array<{
    rate: number;
    clients: number;
    medians: Record<'minimal' | 'rtbench' | 'rtbench-2-generators', Dist>;
    samples: Record<'minimal' | 'rtbench' | 'rtbench-2-generators', Sample[]>;
    ratios: { p50: number; p90: number; p99: number };
    goal: { p50: boolean; p90: boolean; p99: boolean };
  }>;
  met: boolean;
}

/** One summary row per rate: rtbench ÷ minimal client at p50 / p90 / p99. */
export function overheadFigures(r: OverheadResult | null): Figure[] {
  if (!r) return [{ bench: 'overhead', figure: 'ack p50 / p90 / p99, rtbench ÷ minimal socket.io-client', value: '-', goal: '≤ 1.1/1.1/1.25', met: null }];
  return r.results.map((x) => ({
    bench: 'overhead',
    figure: `ack p50 / p90 / p99 at ${x.rate.toLocaleString('en-US')} acked emits/s, rtbench ÷ minimal socket.io-client`,
    value: `${x.ratios.p50.toFixed(2)} / ${x.ratios.p90.toFixed(2)} / ${x.ratios.p99.toFixed(2)}`,
    goal: '≤ 1.1/1.1/1.25',
    met: x.goal.p50 && x.goal.p90 && x.goal.p99,
    date: r.date,
  }));
}

const ms = (x: number): string => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The "## Harness overhead" section. */
export function overheadSection(r: OverheadResult, when: string, load: string): string {
  const c = r.config;
  const rows = r.results.flatMap((x) => {
    const m = x.medians;
    const row = (label: string, d: Dist): string => `| ${x.rate.toLocaleString('en-US')} | ${label} | ${d.count} | ${ms(d.p50)} | ${ms(d.p90)} | ${ms(d.p99)} | ${d.cpuUsPerAck ? d.cpuUsPerAck.toFixed(0) : '-'} |`;
    return [row('minimal socket.io-client (own process)', m.minimal), row(`rtbench, default (${m.rtbench.generators ?? '?'} generator)`, m.rtbench), row('rtbench, 2 generators (one per core)', m['rtbench-2-generators'])];
  });
  const verdicts = r.results.map(
    (x) =>
      `- ${x.rate.toLocaleString('en-US')} acked emits/s: rtbench ÷ minimal = **${x.ratios.p50.toFixed(2)} / ${x.ratios.p90.toFixed(2)} / ${x.ratios.p99.toFixed(2)}** at p50 / p90 / p99 (goal ≤ 1.10 or +50 µs at p50 and p90, ≤ 1.25 at p99: ${x.goal.p50 && x.goal.p90 && x.goal.p99 ? 'met' : 'not met'}); with 2 generators ${(x.medians['rtbench-2-generators'].p50 / x.medians.minimal.p50).toFixed(2)} / ${(x.medians['rtbench-2-generators'].p90 / x.medians.minimal.p90).toFixed(2)} / ${(x.medians['rtbench-2-generators'].p99 / x.medians.minimal.p99).toFixed(2)}. Verdicts of the rtbench runs: ${x.samples.rtbench.map((s) => s.saturation ?? '-').join(', ')}.`,
  );
  // a ratio well below 1 is not rtbench beating the wire: it is the spread between rounds, which the reader must see
  const spread = r.results.map((x) => {
    const p99s = (k: 'minimal' | 'rtbench'): string => x.samples[k].map((d) => ms(d.p99)).join(', ');
    return `- ${x.rate.toLocaleString('en-US')}/s, p99 of each round: minimal ${p99s('minimal')}; rtbench ${p99s('rtbench')} ms.`;
  });
  if (r.results.some((x) => x.ratios.p50 < 0.9 || x.ratios.p99 < 0.8))
    verdicts.push(
      '- Ratios below 1 mean the minimal client read higher than rtbench in the median round, not that rtbench is faster than the wire: on this shared 2-core VM the p99 of one configuration moves by 2–3× from round to round (below), so the figure shows that rtbench adds no latency beyond that spread, not a precise ratio.',
      ...spread,
    );
  return `## Harness overhead: rtbench's ack latency against a minimal client

\`node --import tsx bench/overhead.ts\` (part of \`npm run bench\`, about ${Math.round((c.rates.length * c.rounds * 3 * (c.seconds + 6)) / 60)} minutes) writes
\`bench/results/overhead.json\`. Does rtbench report the server's latency, or add its own? At each
rate, rate/10 clients connect, then each sends one acked \`echo\` every ${c.intervalMs} ms for ${c.seconds} s (open loop)
from one instant T0 on the host's monotonic clock, client k offset by k/(rate/10) s, against one
reference server (\`single\`, its own process), timed by one rule: ack time − scheduled send time. Three ways, interleaved in ${c.rounds} rounds (the order rotating),
medians of the rounds: a minimal socket.io-client loop in its own process (\`bench/overhead/minimal.ts\`,
exact percentiles), \`rtbench run --target\` with its default generator count, and rtbench with 2
generators (one per core on this box, the default before the count was sized from the load).
Client CPU per ack: the minimal client's process over its schedule; rtbench's generator processes
over the whole run (their connects and idle lead included), from their per-second CPU samples.
Run ${when}; load average ${load}.

| emits/s | client | acks | p50 ms | p90 ms | p99 ms | client CPU µs / ack |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${verdicts.join('\n')}
- Where rtbench's added latency came from, and what was done: each process beyond the load's need
  competes with the server for a core on the same host, so the default generator count is now
  sized from the load (one per 5,000 VUs or 500 arrivals/s, at most one per core) instead of one
  per core; the 2-generator rows measure what the old default cost. The saturation verdict no
  longer blames the generator for the host's delay (the coordinator is a same-host sentinel).
- A V8 CPU profile of rtbench's generator at 2,000 emits/s (\`RTBENCH_CPU_PROF_DIR\`, 2026-12-01) puts
  rtbench's own code (session client timing, \`every\`, recorder, per-second snapshot) at about 3%
  of the generator's busy time; most of it is socket.io-client (its \`esm-debug\` build, which the
  minimal client loads too) and the kernel's socket writes (\`writev\`, 16%); module loading at
  start-up is about 0.3 s per generator process. Its CPU per ack above includes the connects and
  that start-up: at 2,000 emits/s, 200 connects (~1.5 ms of CPU each) and ~0.3 s of module loading
  come to about 30 µs per ack, the whole difference from the minimal client. In steady state the
  harness adds little CPU per ack; what is left of the latency difference is scheduling on a
  shared 2-core host.
- This machine is shared with other engineers' test runs while these figures are taken: a load
  average far above the core count moves every figure, the minimal client's too. The ratios are
  only meaningful from a quiet run.

`;
}
