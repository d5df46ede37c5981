import { loadResult } from '../compare/load-result.ts';
import { ExitCode } from '../shared/errors.ts';
import { renderHtml } from '../reporters/html/render.ts';
import type { Output } from '../reporters/types.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

/** `rtbench report <result.json>... [--out FILE]`: render the HTML report again; several results make a comparison. */
export async function reportCommand(a: { results: string[]; out?: string }, out: Output): Promise<number> {
  const files = await Promise.all(a.results.map(loadResult));
  const path = a.out ?? (a.results.length === 1 ? a.results[0]!.replace(/result\.json$/, 'report.html').replace(/\.json$/, '.html') : 'report.html');
  await writeFileAtomic(path === a.results[0] ? `${path}.html` : path, renderHtml(files, { sources: a.results }));
  out.write(`report: ${path}\n`);
  return ExitCode.ok;
}
