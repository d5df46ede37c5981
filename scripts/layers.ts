/**
 * The import graph of the TypeScript sources (static, type-only and dynamic imports, and
 * re-exports; comments skipped), and the
 * layering rules checked on it (test/unit/layers.test.ts; `node --import tsx scripts/layers.ts`
 * prints the same). Rules: no import cycles; reference-server/ imports src/ only through
 * src/shared/; src/ reaches the reference server only through reference-server/index.ts; no
 * module-level mutable state (see `moduleState`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`: relative specifiers only. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...files(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** file → the files it imports (relative imports only; `import type` and dynamic `import()` included). */
export function importGraph(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of dirs.flatMap(files)) {
    const text = readFileSync(join(root, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const deps = [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(f), m[1]!)));
    graph.set(f, [...new Set(deps)]);
  }
  return graph;
}

/** Every elementary cycle found by a depth-first search, each once (as a path that ends where it starts). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (!graph.has(d)) continue;
      if (state.get(d) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(d)), d];
        const key = [...cycle.slice(0, -1)].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return cycles;
}

/** Imports that cross between src/ and reference-server/ other than through their doors. */
export function forbiddenImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [f, deps] of graph) {
    for (const d of deps) {
      if (f.startsWith('reference-server/') && d.startsWith('src/') && !d.startsWith('src/shared/')) out.push(`${f} imports ${d} (only src/shared/ is allowed)`);
      if (f.startsWith('src/') && d.startsWith('reference-server/') && d !== 'reference-server/index.ts') out.push(`${f} imports ${d} (only reference-server/index.ts is allowed)`);
    }
  }
  return out;
}

/** Files longer than `max` lines, as `file:lines`. */
export function longFiles(dirs: string[], max: number): string[] {
  return dirs.flatMap(files).flatMap((f) => {
    const n = readFileSync(join(root, f), 'utf8').split('\n').length;
    return n > max ? [`${f}:${n}`] : [];
  });
}

/** A top-level `let`/`var`, or a top-level `const` made to be filled later (statements start at column 0, as formatted). */
const STATE = /^(?:export\s+)?(?:(?:let|var)\s+([\w$]+)|const\s+([\w$]+)\s*(?::(?!\s*Readonly)[^=]+)?=\s*(?:new\s+(?:Map|Set|WeakMap|WeakSet|Array)\b|\[\s*\]|\{\s*\}))/gm;

/**
 * State kept on the process itself (a `Symbol.for` key on `process` or `globalThis`) escapes the
 * module-level check, so it is allowed only where what it mirrors is itself per process, each named
 * here with the reason.
 */
export const PROCESS_STATE: ReadonlyMap<string, string> = new Map([
  ['src/scenario/compile.ts', "module.register hooks, the require hook and Node's module cache are per process: registering twice would stack the hooks"],
]);

/**
 * Module-level mutable state, as `file:line: statement`: a top-level `let` or `var`, or a top-level
 * `const` made to be filled later (`new Map/Set/WeakMap/WeakSet/Array(…)`, an empty `[]` or `{}`).
 * Also a top-level `const` written through later, and a `static` field that is not `readonly`.
 * Lookup tables are not state: written out in full, or typed `ReadonlySet`/`ReadonlyMap`. Block comments are blanked
 * (lines kept) first.
 */
export function moduleState(dirs: string[]): string[] {
  const out: string[] = [];
  for (const f of dirs.flatMap(files)) {
    const text = readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
    const lineOf = (i: number): number => text.slice(0, i).split('\n').length;
    for (const m of text.matchAll(STATE)) out.push(`${f}:${lineOf(m.index)}: ${m[0].trim()}`);
    // a top-level const written through later (`X.a = …`, `X[k]++`, `X.push(…)`), and a static field that is not readonly
    for (const m of text.matchAll(/^(?:export\s+)?const\s+([\w$]+)/gm)) {
      const name = m[1]!.replace(/\$/g, '\\$');
      const write = new RegExp(`(?<![\\w$.])${name}(?:\\.[\\w$]+|\\[[^\\]]+\\])*(?:\\.[\\w$]+|\\[[^\\]]+\\])\\s*(?:[-+*/]?=(?!=)|\\+\\+|--)|(?<![\\w$.])${name}\\.(?:push|unshift|splice|set|add|delete|clear)\\(`);
      const w = write.exec(text.slice(m.index + m[0].length));
      if (w) out.push(`${f}:${lineOf(m.index + m[0].length + w.index)}: ${w[0].trim()} (module-level ${m[1]} written)`);
    }
    if (!PROCESS_STATE.has(f)) for (const m of text.matchAll(/\bSymbol\.for\(/g)) out.push(`${f}:${lineOf(m.index)}: Symbol.for( (state kept on the process: list it in PROCESS_STATE with why, or pass it down)`);
    for (const m of text.matchAll(/^[ \t]+(?:(?:private|public|protected)\s+)?static\s+(?!readonly\b)(?!async\b)(?!get\b)(?!set\b)([\w$]+)\s*[:=]/gm)) {
      out.push(`${f}:${lineOf(m.index)}: ${m[0].trim()} (static field, not readonly)`);
    }
  }
  return out;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const g = importGraph(['src', 'reference-server']);
  const problems = [...findCycles(g).map((c) => `cycle: ${c.join(' → ')}`), ...forbiddenImports(g), ...moduleState(['src', 'reference-server']).map((m) => `module-level state: ${m}`)];
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problem(s)` : `${g.size} files: no cycle, no forbidden import`);
  process.exitCode = problems.length ? 1 : 0;
}
