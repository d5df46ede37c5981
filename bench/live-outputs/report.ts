import type { Figure } from '../types.ts';

/** bench/results/live-outputs.json, and its figure and section of BENCHMARKS.md (rendered by bench/index.ts). */
export interface LiveOutputsResult {
  date: string;
  environment: { loadAverage: { before: number[]; after: number[] } };
  config: { rounds: number; metrics: number; counters: number; seconds: number; samplesPerMetricPerSecond: number };
  msPerTick: { figures: number; json: number; prometheus: number };
  /** Adding one generator's one-second snapshot into the outputs' totals. */
  msPerSnapshot: number;
  /** value: the costlier output's tick plus one snapshot, as a share of one core (ms per second ÷ 1000). */
  goal: { value: number; bound: number; met: boolean };
}

/** The summary-table row. */
export function liveOutputsFigure(r: LiveOutputsResult | null): Figure {
  return {
    bench: 'live-outputs',
    figure: 'coordinator CPU of a live output (--output), share of one core',
    value: r ? `${(r.goal.value * 100).toFixed(2)} % (${(r.goal.value * 1000).toFixed(2)} ms per second)` : '-',
    goal: '≤ 1 %',
    met: r ? r.goal.met : null,
    ...(r ? { date: r.date } : {}),
  };
}

/** The "## Live outputs" section. */
export function liveOutputsSection(r: LiveOutputsResult, when: string, load: string): string {
  const c = r.config;
  return `## Live outputs: what \`--output\` costs the coordinator each second

\`node --import tsx bench/live-outputs/run.ts\` (part of \`npm run bench\`, about 30 s) writes
\`bench/results/live-outputs.json\`. The outputs take in a run as after ${c.seconds} s of a
busy scenario (${c.metrics} latency metrics with ${c.samplesPerMetricPerSecond.toLocaleString('en-US')} samples each per second, ${c.counters} counters);
then ${c.rounds} interleaved rounds of one tick each, timed in CPU time (user + system) of the process, the
endpoint running in a process of its own. Run ${when}; load average ${load}.

| work | CPU ms (ticks: mean; snapshot: median) |
| --- | --- |
| the outputs add one generator's one-second snapshot to their totals | ${r.msPerSnapshot} |
| a tick of \`--output json=FILE\` (buckets and percentiles of the totals, one line written synchronously) | ${r.msPerTick.json} |
| a tick of \`--output prometheus=URL\` (buckets and series; every 5th tick also protobuf + snappy and a POST of 5 seconds to a local 204 endpoint) | ${r.msPerTick.prometheus} |
| for scale: a tick's \`figures()\` (every histogram merged and encoded), which the outputs do not call | ${r.msPerTick.figures} |

- The costlier output takes **${(r.goal.value * 100).toFixed(2)} %** of one core per second with one generator (goal ≤ ${r.goal.bound * 100} %: ${r.goal.met ? 'met' : 'not met'}),
  on the coordinator, not on the generators that time the load; each further generator adds one snapshot's time.
  Reading \`figures()\` each second instead would cost ${(r.msPerTick.figures / 10).toFixed(1)} % of a core: the outputs add up the snapshots themselves.
- The request itself leaves asynchronously: a slow or unreachable endpoint adds nothing to the tick
  (\`test/integration/live-outputs.test.ts\` runs against a port where nothing listens: every session completes).

`;
}
