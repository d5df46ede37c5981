/** The `request` benchmark's figures and BENCHMARKS.md section (bench/request.ts writes the results). */
import type { Figure } from '../types.ts';

export interface RequestResult {
  date: string;
  environment: { loadAverage: { before: number[]; after: number[] } };
  config: { clients: number; intervalMs: number; count: number; rounds: number };
  rounds: Array<{
    emitWithAck: { p50: number; p90: number; p99: number; count: number };
    request: { p50: number; p90: number; p99: number; count: number };
    errors: number;
  }>;
  ratios: { p50: number; p90: number; p99: number };
  complete: boolean;
  goals: { p50: { value: number; met: boolean }; p99: { value: number; met: boolean } };
}

export type RequestFigure = Figure;

export function requestFigures(r: RequestResult | null): RequestFigure[] {
  const fig = (k: 'p50' | 'p99', goal: string): RequestFigure => ({
    bench: 'request',
    figure: `ws latency ${k}, client.request() ÷ emitWithAck (same runs)`,
    value: r ? r.goals[k].value.toFixed(2) : '-',
    goal,
    met: r ? r.goals[k].met : null,
    ...(r ? { date: r.date } : {}),
  });
  return [fig('p50', '≤ 1.10'), fig('p99', '≤ 1.25')];
}

export function requestSection(r: RequestResult): string {
  const c = r.config;
  const f2 = (x: number): string => x.toFixed(2);
  const rows = r.rounds.flatMap((x, i) => [
    `| ${i + 1} | emitWithAck | ${x.emitWithAck.count} | ${f2(x.emitWithAck.p50)} | ${f2(x.emitWithAck.p90)} | ${f2(x.emitWithAck.p99)} |`,
    `| ${i + 1} | request() | ${x.request.count} | ${f2(x.request.p50)} | ${f2(x.request.p90)} | ${f2(x.request.p99)} |`,
  ]);
  return `## Raw WebSocket requests: client.request() against emitWithAck

\`node --import tsx bench/request.ts\` (part of \`npm run bench\`, about 30 s) writes \`bench/results/request.json\`.
Against the reference app's raw WebSocket (\`single\` topology), ${c.clients} \`ws\`-engine clients each send one acked
\`echo\` every ${c.intervalMs} ms, ${c.count} times (open loop), alternating on the same connection between
\`emitWithAck('echo', i)\` (the engine's own ack table) and the same frame through \`client.request()\` with a \`match\`
on its ack id; half the clients start with one, half with the other. Both are timed the same way, from the
intended send time. ${c.rounds} runs; the ratios are taken within each run and the median is kept.
Run ${r.date.slice(0, 16).replace('T', ' ')} UTC; load average ${r.environment.loadAverage.before[0]!.toFixed(1)} → ${r.environment.loadAverage.after[0]!.toFixed(1)}.

| run | way | count | p50 ms | p90 ms | p99 ms |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

- request() ÷ emitWithAck: p50 **${f2(r.ratios.p50)}**, p90 ${f2(r.ratios.p90)}, p99 **${f2(r.ratios.p99)}** (goals p50 ≤ 1.10: ${r.goals.p50.met ? 'met' : 'not met'}; p99 ≤ 1.25: ${r.goals.p99.met ? 'met' : 'not met'}${r.complete ? '' : '; some echoes were missing or failed'}).

`;
}
