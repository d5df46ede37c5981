/** bench/results/generator-capacity.json: its figures and its section of BENCHMARKS.md (rendered by bench/index.ts). */
import type { Figure } from '../types.ts';

export interface GeneratorCapacityResult {
  date: string;
  environment: { cores?: number; loadAverage: { before: number[]; after: number[] } };
  config: { steps: number[]; count: number; server: string };
  steps: Array<{
    clients: number;
    acks: number;
    expected: number;
    errors: number;
    harness: { p50: number; p90: number; p99: number; max: number } | null;
    ack: { p50: number; p99: number } | null;
    generatorCpuMean: number | null;
    generatorLoopDelayP99: number | null;
    sentinelLoopDelayP99: number | null;
    verdict: string;
    load1: number;
  }>;
  capacity: { harnessP99Under1ms: number | null; harnessP99Under5ms: number | null };
}

const n = (x: number | null): string => (x === null ? 'none' : x.toLocaleString('en-US'));

export function generatorCapacityFigures(r: GeneratorCapacityResult | null): Figure[] {
  const base = { bench: 'generator-capacity', goal: '(anycable bench: ~250 honest, 10,000 active)', met: null, ...(r ? { date: r.date } : {}) };
  return [
    { ...base, figure: 'active clients (1 acked emit/s each) per generator, harness delay p99 < 1 ms', value: r ? n(r.capacity.harnessP99Under1ms) : '-' },
    { ...base, figure: 'active clients (1 acked emit/s each) per generator, harness delay p99 < 5 ms', value: r ? n(r.capacity.harnessP99Under5ms) : '-' },
  ];
}

const ms = (x: number | undefined | null): string => (x === undefined || x === null ? '-' : x >= 9.995 ? x.toFixed(1) : x.toFixed(2));

export function generatorCapacitySection(r: GeneratorCapacityResult, when: string, load: string): string {
  const rows = r.steps.map(
    (s) =>
      `| ${s.clients.toLocaleString('en-US')} | ${s.acks} of ${s.expected} | ${ms(s.harness?.p50)} | ${ms(s.harness?.p99)} | ${ms(s.harness?.max)} | ${ms(s.ack?.p50)} | ${ms(s.ack?.p99)} | ${s.generatorCpuMean ?? '-'} | ${s.generatorLoopDelayP99 ?? '-'} / ${s.sentinelLoopDelayP99 ?? '-'} | ${s.verdict} | ${s.load1.toFixed(1)} |`,
  );
  return `## Honest capacity per generator

\`node --import tsx bench/generator-capacity.ts\` (part of \`npm run bench\`, about 3 minutes) writes
\`bench/results/generator-capacity.json\`. How many concurrently active clients, each sending one acked
\`echo\` per second, one generator process drives while its own delay per operation
(\`generator.harnessDelay\`: how late each emit was written against its intended time) stays small.
Each step is its own \`rtbench run --generators 1\` against ${r.config.server} in its own process: the
clients connect first, then each sends ${r.config.count} emits, one per second, spread evenly over each second.
Run ${when}; load average ${load} (the machine is shared: a busy host shows as a "host" verdict and in the
sentinel's loop delay, a plain process on the same host).

| clients | acks | harness p50 ms | harness p99 ms | harness max ms | ack p50 ms | ack p99 ms | generator CPU % | loop p99 ms (generator / sentinel) | verdict | load |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

- **Harness delay p99 under 1 ms: up to ${n(r.capacity.harnessP99Under1ms)} active clients per generator; under 5 ms: up to
  ${n(r.capacity.harnessP99Under5ms)}** (the largest step below the bound with every ack back and no error, before
  the first step above it). For comparison, anycable's nodejs-websocket-bench (Evil Martians, 2026) states
  about 250 clients per Node driver for honest latency and 10,000 active.
- The default generator count (docs/timing.md) is one process per 5,000 VUs or 500 arrivals/s, at
  most one per core: on a 2-core machine that shares its cores with the server, a second generator
  competes with the server, so more processes do not buy honesty there; on a bigger load host,
  \`--generators\` spreads clients so that each stays within the figures above.

`;
}
