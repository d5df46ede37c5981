/** bench/results/custom-metrics.json, and its figure and section of BENCHMARKS.md (rendered by bench/index.ts). */
export interface CustomMetricsResult {
  date: string;
  environment: { loadAverage: { before: number[]; after: number[] } };
  config: { rounds: number; calls: number };
  nsPerCall: Record<'builtinRecord' | 'customRecord' | 'builtinCount' | 'customCount' | 'check', number>;
  ratios: { recordCustomOverBuiltin: number; recordRange: [number, number]; countCustomOverBuiltin: number };
  goal: { value: number; bound: number; met: boolean };
}

/** The summary-table row. */
export function customMetricsFigure(r: CustomMetricsResult | null): {
  bench: string;
  figure: string;
  value: string;
  goal: string;
  met: boolean | null;
  date?: string;
} {
  return {
    bench: 'custom-metrics',
    figure: 'cost per call, ctx.metrics.record ÷ a built-in latency sample',
    value: r ? `${r.ratios.recordCustomOverBuiltin.toFixed(2)} (${r.nsPerCall.customRecord} / ${r.nsPerCall.builtinRecord} ns)` : '-',
    goal: r ? `≤ ${r.goal.bound}` : '≤ 1.05',
    met: r ? r.goal.met : null,
    ...(r ? { date: r.date } : {}),
  };
}

/** The "## Custom metrics" section. */
export function customMetricsSection(r: CustomMetricsResult, when: string, load: string): string {
  const n = r.nsPerCall;
  return `## Custom metrics: \`ctx.metrics.record\` against a built-in sample

\`node --import tsx bench/custom-metrics/run.ts\` (part of \`npm run bench\`, about 20 s) writes
\`bench/results/custom-metrics.json\`. In one process, ${r.config.rounds} interleaved rounds (order alternating) of
${r.config.calls.toLocaleString('en-US')} calls each: \`ctx.metrics.record('fanout', ms)\` (a declared custom trend) and
\`recorder.record('ack', ms)\` (how the session client records a built-in latency), into the same
generator recorder, flushed between rounds as a generator does each second. Run ${when}; load average ${load}.

| call | ns per call (median) |
| --- | --- |
| built-in latency sample, \`recorder.record('ack', ms)\` | ${n.builtinRecord} |
| \`ctx.metrics.record('fanout', ms)\` | ${n.customRecord} |
| built-in counter, \`recorder.count('messages.received')\` | ${n.builtinCount} |
| \`ctx.metrics.count('delivered')\` | ${n.customCount} |
| \`ctx.check('fast', v < 5)\` (two counters) | ${n.check} |

- \`ctx.metrics.record\` ÷ built-in sample: **${r.ratios.recordCustomOverBuiltin.toFixed(2)}** (per-round ratios ${r.ratios.recordRange.join('–')}; goal ≤ ${r.goal.bound}, i.e. no more within noise: ${r.goal.met ? 'met' : 'not met'}).
  Both do one map lookup by name and one HDR record: a custom trend finds a recording function
  that already holds its histogram, a built-in sample looks the histogram up inside the recorder.
  The absolute figures move with the machine's load (it was high); the ratio is taken per round.
- \`ctx.metrics.count\` ÷ built-in counter: ${r.ratios.countCustomOverBuiltin.toFixed(2)} (a declared-name check on top of the counter add).

`;
}
