/**
 * Links between the documentation files (README.md, ARCHITECTURE.md, docs/*.md, BENCHMARKS.md):
 * every relative link must name a file that exists and, for a Markdown file, a heading it has
 * (GitHub's anchors). test/unit/docs.test.ts runs it; `node --import tsx scripts/docs-links.ts`
 * prints the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docFiles } from './docs-examples.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .replace(/^#+\s*/, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Text outside fenced code blocks (fence lines and their content blanked, lines kept). */
function prose(text: string): string[] {
  let fence: string | null = null;
  return text.split('\n').map((line) => {
    const open = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence === null && open) {
      fence = open[1]!;
      return '';
    }
    if (fence !== null) {
      if (line.trim().startsWith(fence)) fence = null;
      return '';
    }
    return line;
  });
}

/** The anchors of a Markdown text's headings (a repeated heading gets `-1`, `-2`, … as on GitHub). */
export function anchorsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of prose(text)) {
    if (!/^#{1,6}\s/.test(line)) continue;
    const base = anchorOf(line);
    let a = base;
    for (let n = 1; out.has(a); n++) a = `${base}-${n}`;
    out.add(a);
  }
  return out;
}

/**
 * Broken relative links of the documentation, as `file:line: target (why)`. `texts` gives a file's
 * text instead of reading it (for tests).
 */
export function brokenLinks(files: string[] = [...docFiles(), 'BENCHMARKS.md'], texts: Record<string, string> = {}): string[] {
  const out: string[] = [];
  for (const f of files) {
    const lines = prose(texts[f] ?? readFileSync(join(root, f), 'utf8'));
    lines.forEach((line, i) => {
      // [label](target), with inline code removed first so `[x](y)` in code is not a link
      for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const dest = path ? normalize(join(dirname(f), path)) : f;
        if (!existsSync(join(root, dest))) {
          out.push(`${f}:${i + 1}: ${target} (no file ${dest})`);
          continue;
        }
        if (anchor && dest.endsWith('.md') && !anchorsOf(readFileSync(join(root, dest), 'utf8')).has(anchor)) {
          out.push(`${f}:${i + 1}: ${target} (${dest} has no heading #${anchor})`);
        }
      }
    });
  }
  return out;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const broken = brokenLinks();
  for (const b of broken) console.log(b);
  console.log(broken.length ? `${broken.length} broken link(s)` : 'every link resolves');
  process.exitCode = broken.length ? 1 : 0;
}
