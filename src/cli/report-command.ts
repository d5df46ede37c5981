import { parseTolerances } from '../compare/compare.ts';
import { loadResult } from '../compare/load-result.ts';
import { ExitCode } from '../shared/errors.ts';
import { renderHtml } from '../reporters/html/render.ts';
import type { Output } from '../run/reporter.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';

/** Where `rtbench report` writes when `--out` is not given: beside the first result, never over it. */
export function reportPath(results: readonly string[], out?: string): string {
  if (out) return out;
  if (results.length > 1) return 'report.html';
  const path = results[0]!.replace(/result\.json$/, 'report.html').replace(/\.json$/, '.html');
  return path === results[0] ? `${path}.html` : path;
}

/**
 * `rtbench report <result.json>... [--out FILE] [--max ...]`: render the HTML report again; several
 * results make a comparison whose verdicts are `compare`'s (same default tolerances, same `--max`).
 */
export async function reportCommand(a: { results: string[]; out?: string; max?: string }, out: Output): Promise<number> {
  const tolerances = parseTolerances(a.max);
  const files = await Promise.all(a.results.map(loadResult));
  const path = reportPath(a.results, a.out);
  await writeFileAtomic(path, renderHtml(files, { sources: a.results, tolerances }));
  out.write(`report: ${path}\n`);
  return ExitCode.ok;
}
