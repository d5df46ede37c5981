import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ExitCode, InputError, RunError, type ExitCodeValue } from '../shared/errors.ts';
import type { RunFile, RunResult } from '../result/types.ts';
import { resolvePlan } from '../plan/plan.ts';
import { runResolved, type RunOptions } from '../run/run.ts';
import type { Output } from '../run/reporter.ts';
import { checkReachable, parseTarget } from '../target/target.ts';
import { redactUrls } from '../util/redact.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { compareResults, formatCompare, type CompareRow, type Tolerances } from '../compare/compare.ts';
import { renderHtml } from '../reporters/html/render.ts';
import { RunCollector } from '../collect/collector.ts';

export interface AbOptions {
  targetA: string;
  targetB: string;
  /** Shell commands that start server A / B (optional: else the targets must already run). */
  cmdA?: string;
  cmdB?: string;
  rounds: number;
  duration?: string;
  generators?: number;
  tolerances: Tolerances;
  out: string;
  /** Also write the HTML comparison report of A and B here. */
  report?: string;
  stdout: Output;
  stderr: Output;
}

async function waitReachable(url: string, timeoutMs: number): Promise<void> {
  const t = await parseTarget(url);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await checkReachable(t, 1000);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Start a server command in its own process group (so the whole group can be stopped by PID). */
function startCommand(cmd: string, label: string, stderr: Output): ChildProcess {
  const child = spawn('sh', ['-c', cmd], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (b: Buffer) => stderr.write(`[${label}] ${b.toString()}`));
  return child;
}

function stopCommand(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

/**
 * Interleaved A/B: rounds A B A B … of the same scenario against two servers in one job, then
 * the ratio B/A per figure with a 95% bootstrap interval over the rounds. Noise common to both
 * (a busy shared machine) hits both sides alike.
 */
export async function runAb(scenario: string, o: AbOptions): Promise<{ rows: CompareRow[]; exitCode: ExitCodeValue; sides: Record<'a' | 'b', RunFile> }> {
  if (!Number.isInteger(o.rounds) || o.rounds < 3 || o.rounds > 100) {
    throw new InputError('E_USAGE', `\`--rounds\` must be 3..100 (got ${o.rounds})`, { hint: 'a confidence interval needs at least 3 rounds per side' });
  }
  const cmds: ChildProcess[] = [];
  const results: Partial<Record<'a' | 'b', RunResult>> = {};
  let last: RunFile | null = null;
  try {
    if (o.cmdA) cmds.push(startCommand(o.cmdA, 'A', o.stderr));
    if (o.cmdB) cmds.push(startCommand(o.cmdB, 'B', o.stderr));
    await Promise.all([waitReachable(o.targetA, o.cmdA ? 20_000 : 3000), waitReachable(o.targetB, o.cmdB ? 20_000 : 3000)]);
    // each side's plan is resolved once (scenario loaded and validated, target checked); every round runs it
    const runOptions = (target: string): RunOptions => ({
      target,
      ...(o.duration ? { duration: o.duration } : {}),
      ...(o.generators ? { generators: o.generators } : {}),
      reporters: [],
      stdout: o.stdout,
      stderr: o.stderr,
    });
    const warn = (line: string): void => o.stderr.write(`${line}\n`);
    const plans = { a: await resolvePlan(scenario, runOptions(o.targetA), warn), b: await resolvePlan(scenario, runOptions(o.targetB), warn) };
    // each side's rounds go into one collector of its own, so its result is built once, by the one
    // builder, from all its rounds (time series, workers, saturation, thresholds), as with --repeat
    const collect = (side: 'a' | 'b'): RunCollector => {
      const { plan } = plans[side];
      return new RunCollector({ topology: 'ab', engine: plan.scenario.engine, rounds: o.rounds, thresholds: plan.thresholds, custom: plan.scenario.metrics });
    };
    const collectors = { a: collect('a'), b: collect('b') };
    for (let i = 0; i < o.rounds; i++) {
      for (const side of ['a', 'b'] as const) {
        const outcome = await runResolved(plans[side], runOptions(side === 'a' ? o.targetA : o.targetB), () => collectors[side]);
        const r = collectors[side].roundResults().at(-1)!;
        if (r.status !== 'completed') throw new RunError('E_RUN', `round ${i + 1} of ${side.toUpperCase()} ${r.status}: ${r.failure?.message ?? ''}`);
        results[side] = outcome.file.runs[0]!;
        last = outcome.file;
        o.stdout.write(`  round ${i + 1}/${o.rounds} ${side.toUpperCase()}: ack p99 ${r.metrics.ack?.p99 ?? '-'}ms\n`);
      }
    }
  } finally {
    await Promise.all(cmds.map(stopCommand));
  }
  const file = (side: 'a' | 'b'): RunFile => ({ ...last!, runs: [results[side]!] });
  const rows = compareResults(file('a'), file('b'), o.tolerances);
  o.stdout.write(
    `rtbench ab: B/A over ${o.rounds} interleaved rounds (A ${redactUrls(o.targetA)}, B ${redactUrls(o.targetB)})\n${formatCompare(rows, ['A', 'B'])}\n`,
  );
  await writeFileAtomic(
    join(o.out, 'ab.json'),
    `${JSON.stringify({ schema: 'rtbench.ab/v1', scenario, targetA: redactUrls(o.targetA), targetB: redactUrls(o.targetB), rounds: o.rounds, rows, a: results.a!.rounds ?? [], b: results.b!.rounds ?? [] }, null, 2)}\n`,
  );
  if (o.report) {
    await writeFileAtomic(o.report, renderHtml([file('a'), file('b')], { names: ['A', 'B'], tolerances: o.tolerances }));
    o.stdout.write(`report: ${o.report}\n`);
  }
  return { rows, sides: { a: file('a'), b: file('b') }, exitCode: rows.some((r) => r.verdict === 'regression') ? ExitCode.thresholdsFailed : ExitCode.ok };
}
