import { join } from 'node:path';
import { runAb } from './ab.ts';
import { parseTolerances } from '../compare/compare.ts';
import { renderJUnit } from '../reporters/junit.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { compareCases, compareMarkdown } from './compare-command.ts';
import type { CliIO } from './io.ts';
import { redactUrls } from '../util/redact.ts';

export interface AbArgs {
  scenario: string;
  targetA: string;
  targetB: string;
  a?: string;
  b?: string;
  rounds: number;
  duration?: string;
  generators?: number;
  max?: string;
  out?: string;
  junit?: string;
  summaryMd?: string;
  /** Also write the HTML comparison report of A and B here. */
  report?: string;
}

/** `rtbench ab <scenario>`: interleaved rounds, ab.json, and (as `compare`) JUnit and Markdown; exit 99 on a regression. */
export async function abCommand(a: AbArgs, io: CliIO): Promise<number> {
  const { rows, exitCode } = await runAb(a.scenario, {
    targetA: a.targetA,
    targetB: a.targetB,
    cmdA: a.a,
    cmdB: a.b,
    rounds: a.rounds,
    duration: a.duration,
    generators: a.generators,
    tolerances: parseTolerances(a.max),
    ...(a.report ? { report: a.report } : {}),
    out: a.out ?? join('reports', `ab-${new Date().toISOString().replace(/[:]/g, '').replace(/\..+$/, '')}`),
    stdout: io.stdout,
    stderr: io.stderr,
  });
  if (a.junit) await writeFileAtomic(a.junit, renderJUnit([{ name: `ab ${a.scenario}`, cases: compareCases(rows) }]));
  if (a.summaryMd)
    await writeFileAtomic(a.summaryMd, compareMarkdown(`rtbench ab: ${a.scenario} (B ${redactUrls(a.targetB)} vs A ${redactUrls(a.targetA)})`, rows));
  return exitCode;
}
