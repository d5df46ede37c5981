/**
 * The TypeScript examples of the documentation (every ```ts / ```typescript block of README.md,
 * ARCHITECTURE.md and docs/*.md), type-checked as they are written, so the docs cannot rot:
 * test/unit/docs-examples.test.ts runs it; `node --import tsx scripts/docs-examples.ts` prints
 * the same. Each block is its own module; `import … from 'rtbench'` resolves to src/index.ts
 * (the repository's tsconfig.json `paths`), with the repository's compiler options (strict).
 * A block whose info string says `fragment` (```ts fragment) is not checked: keep those rare.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface DocExample {
  /** The Markdown file, relative to the repository root. */
  doc: string;
  /** 1-based line, in `doc`, of the block's first line of code. */
  line: number;
  code: string;
  fragment: boolean;
}

export interface ExampleError {
  /** `doc:line` of the error, or the compiler's own location when it is not in an example. */
  where: string;
  message: string;
}

/** The Markdown files whose examples are checked: README.md, ARCHITECTURE.md, docs/*.md. */
export function docFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', 'ARCHITECTURE.md', ...docs];
}

/** Every ```ts / ```typescript block of one Markdown text (fences of other languages skipped whole). */
export function extractExamples(doc: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trim().startsWith(fence)) end++;
    const lang = open[3]!.toLowerCase();
    if (lang === 'ts' || lang === 'typescript') {
      out.push({ doc, line: i + 2, code: lines.slice(i + 1, end).join('\n'), fragment: /\bfragment\b/.test(open[4]!) });
    }
    i = end;
  }
  return out;
}

/** The examples of every documentation file. */
export function allExamples(): DocExample[] {
  return docFiles().flatMap((f) => extractExamples(f, readFileSync(join(root, f), 'utf8')));
}

/**
 * Type-checks the examples (fragments left out) in one compiler run, each block as its own ES
 * module in a temporary folder whose tsconfig extends the repository's. Returns the errors, each
 * placed at its line in the Markdown file.
 */
export function checkExamples(examples: DocExample[]): ExampleError[] {
  const dir = mkdtempSync(join(tmpdir(), 'rtbench-docs-examples-'));
  try {
    const checked = examples.filter((e) => !e.fragment);
    const names = checked.map((_, i) => `example-${i}.ts`);
    // a trailing `export {}` makes a block without imports a module too (lines unchanged)
    checked.forEach((e, i) => writeFileSync(join(dir, names[i]!), `${e.code}\nexport {};\n`));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { typeRoots: [join(root, 'node_modules/@types')], noEmit: true },
        include: [join(root, 'src/**/*.d.ts'), join(root, 'reference-server/**/*.d.ts')], // declarations for packages that ship none
        files: names,
      }),
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
      encoding: 'utf8',
    });
    if (tsc.error) throw tsc.error;
    const errors: ExampleError[] = [];
    let last: ExampleError | undefined;
    for (const raw of `${tsc.stdout}${tsc.stderr}`.split('\n')) {
      const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(raw);
      if (m) {
        const i = names.indexOf(relative(dir, join(dir, m[1]!)));
        const ex = i >= 0 ? checked[i] : undefined;
        last = { where: ex ? `${ex.doc}:${ex.line + Number(m[2]) - 1}:${m[3]}` : `${m[1]}:${m[2]}:${m[3]}`, message: m[4]! };
        errors.push(last);
      } else if (last && /^\s+\S/.test(raw))
        last.message += `\n${raw}`; // a message's continuation lines
      else if (raw.trim()) errors.push((last = { where: 'tsc', message: raw.trim() }));
    }
    if (tsc.status !== 0 && errors.length === 0) errors.push({ where: 'tsc', message: `exited ${tsc.status} without a message` });
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const examples = allExamples();
  const errors = checkExamples(examples);
  for (const e of errors) console.log(`${e.where}: ${e.message}`);
  const fragments = examples.filter((e) => e.fragment);
  for (const f of fragments) console.log(`not checked (fragment): ${f.doc}:${f.line}`);
  console.log(`${examples.length - fragments.length} example(s) checked: ${errors.length ? `${errors.length} error(s)` : 'all type-check'}`);
  process.exitCode = errors.length ? 1 : 0;
}
