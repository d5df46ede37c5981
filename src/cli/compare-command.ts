import { compareCaveats, compareResults, formatCompare, parseTolerances, type CompareRow } from '../compare/compare.ts';
import { loadResult } from '../compare/load-result.ts';
import { ExitCode } from '../shared/errors.ts';
import { renderJUnit, type JUnitCase } from '../reporters/junit.ts';
import { mdEscape } from '../reporters/markdown.ts';
import type { Output } from '../run/reporter.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { renderHtml } from '../reporters/html/render.ts';

/** JUnit cases: one per compared figure. */
export function compareCases(rows: CompareRow[]): JUnitCase[] {
  return rows.map((r) => ({
    classname: `rtbench.compare.${r.topology}`,
    name: `${r.subject} within ${((r.limit - 1) * 100).toFixed(0)}%`,
    ...(r.verdict === 'regression'
      ? {
          failure: `${r.subject}: ${r.baseline.toFixed(2)} → ${r.current.toFixed(2)} (${((r.ratio - 1) * 100).toFixed(1)}%)${r.strength === 'weak' ? ' [weak: single rounds]' : ''}`,
        }
      : {}),
  }));
}

/** Markdown table of a comparison. */
export function compareMarkdown(title: string, rows: CompareRow[]): string {
  const lines = [`## ${mdEscape(title)}`, '', '| | topology | figure | baseline | current | delta | 95% CI |', '|---|---|---|---:|---:|---:|---|'];
  for (const r of rows) {
    lines.push(
      `| ${r.verdict === 'regression' ? '❌' : '✅'} | ${mdEscape(r.topology)} | ${mdEscape(r.subject)} | ${r.baseline.toFixed(2)} | ${r.current.toFixed(2)} | ${((r.ratio - 1) * 100).toFixed(1)}% | ${r.ci ? `${((r.ci.low - 1) * 100).toFixed(1)}%..${((r.ci.high - 1) * 100).toFixed(1)}%` : 'weak (single round)'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `rtbench compare <baseline.json> <current.json> [--max ...]`: exit 99 on a regression beyond tolerance. */
export async function compareCommand(
  a: { baseline: string; current: string; max?: string; junit?: string; summaryMd?: string; crossTopology?: boolean; report?: string },
  out: Output,
): Promise<number> {
  const tol = parseTolerances(a.max);
  const [base, cur] = await Promise.all([loadResult(a.baseline), loadResult(a.current)]);
  const rows = compareResults(base, cur, tol, { crossTopology: a.crossTopology ?? false });
  const caveats = compareCaveats(base, cur, { crossTopology: a.crossTopology ?? false });
  out.write(`rtbench compare: ${a.baseline} → ${a.current}\n${formatCompare(rows)}\n${caveats.map((c) => `  WARN ${c}\n`).join('')}`);
  if (a.junit) await writeFileAtomic(a.junit, renderJUnit([{ name: `compare ${cur.scenario.name}`, cases: compareCases(rows) }]));
  if (a.summaryMd)
    await writeFileAtomic(
      a.summaryMd,
      `${compareMarkdown(`rtbench compare: ${cur.scenario.name}`, rows)}${caveats.map((c) => `\n⚠️ ${mdEscape(c)}\n`).join('')}`,
    );
  if (a.report) {
    await writeFileAtomic(a.report, renderHtml([base, cur], { sources: [a.baseline, a.current], tolerances: tol }));
    out.write(`report: ${a.report}\n`);
  }
  return rows.some((r) => r.verdict === 'regression') ? ExitCode.thresholdsFailed : ExitCode.ok;
}
