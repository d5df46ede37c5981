/**
 * The import graph of the TypeScript sources (static, type-only and dynamic imports, and
 * re-exports; comments skipped), and the
 * layering rules checked on it (test/unit/layers.test.ts; `node --import tsx scripts/layers.ts`
 * prints the same). Rules: no import cycles; folders keep their ranks (`RANKS`: a folder imports
 * only folders ranked below it); reference-server/ imports src/ only through src/shared/; src/
 * reaches the reference server only through reference-server/index.ts; no module-level mutable
 * state (see `moduleState`).
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

/**
 * The floors of the house, lowest first. A file imports files of its own folder and of folders on
 * a lower floor, never of a folder on its own floor or above (exceptions below, each with why).
 * A new folder of src/ gets a floor here (the layers test fails until it has one).
 */
export const RANKS: ReadonlyArray<readonly string[]> = [
  // helpers that know nothing of rtbench: errors, clocks, durations, addresses, text tables
  ['src/shared', 'src/util', 'src/types'],
  // the result.json schema (plain types), and the reference server (imports src/shared/ alone)
  ['src/result', 'reference-server'],
  // HDR histograms, the one merge path (Aggregator), the sink clients record into, custom metric declarations
  ['src/metrics'],
  // engines and the timed session client; threshold grammar, evaluation and the default gate
  ['src/clients', 'src/thresholds'],
  // the scenario: its types, loading, validation
  ['src/scenario'],
  // what a plan is made of and what stands beside a run: load shapes, the target and source
  // addresses, fault timeline and windows, the result builder and collector, the comparison of
  // results; the reference server in containers, Kubernetes manifests, the sticky-hash benchmark
  ['src/executors', 'src/target', 'src/faults', 'src/collect', 'src/compare', 'src/containers', 'src/k8s', 'src/bench'],
  // distributed runs: slices of the load, clock offsets, the merge of shard results
  ['src/shard'],
  // the run plan: the scenario and flags resolved once
  ['src/plan'],
  // generator processes: each runs its share of the plan
  ['src/generator'],
  // the run pipeline: rounds, the one stream and its Reporter interface, runResolved
  ['src/run'],
  // the stream's consumers: end-of-run reporters, live outputs
  ['src/reporters', 'src/outputs'],
  // capacity search: a loop of runs
  ['src/search'],
  // the command line (commands over runs: run, ab, compare, merge, report, k8s, serve)
  ['src/cli'],
  // the public API's front door
  ['src/index.ts'],
];

/** Imports that go up a floor on purpose: `from` and `to` are a file or a folder (prefix), with the reason. */
export const RANK_EXCEPTIONS: ReadonlyArray<{ from: string; to: string; why: string }> = [
  {
    from: 'src/run/run.ts',
    to: 'src/reporters/registry.ts',
    why: '`run()` fills in the default reporters (progress, summary, json, html, junit, markdown) when the caller names none; they implement the stream interface of src/run/reporter.ts',
  },
  {
    from: 'src/run/run.ts',
    to: 'src/outputs/',
    why: '`run()` turns `outputs: [...]` specs into live outputs on its stream; they implement the stream interface of src/run/reporter.ts',
  },
];

/** The ranked folder a file belongs to (`src/run`, `reference-server`, `src/index.ts`), or null outside src/ and reference-server/. */
export function folderOf(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] === 'reference-server') return 'reference-server';
  if (parts[0] !== 'src') return null;
  return parts.length > 2 ? `src/${parts[1]}` : file;
}

/** Folders (and top files of src/) that have no floor in `RANKS`. */
export function unrankedFolders(graph: Map<string, string[]>, ranks: ReadonlyArray<readonly string[]> = RANKS): string[] {
  const ranked = new Set(ranks.flat());
  return [...new Set([...graph.keys()].map(folderOf).filter((f): f is string => f !== null && !ranked.has(f)))].sort();
}

/**
 * Imports of a folder on the importer's floor or above, as `file imports file (floor a → floor b)`,
 * less the listed exceptions. Also an exception that no import uses any more (it would hide the
 * next one).
 */
export function upwardImports(graph: Map<string, string[]>, ranks: ReadonlyArray<readonly string[]> = RANKS, exceptions = RANK_EXCEPTIONS): string[] {
  const floor = new Map(ranks.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
  const used = new Set<number>();
  const out: string[] = [];
  for (const [f, deps] of graph) {
    for (const d of deps) {
      const a = folderOf(f);
      const b = folderOf(d);
      if (a === null || b === null || a === b || !floor.has(a) || !floor.has(b)) continue;
      if (floor.get(b)! < floor.get(a)!) continue;
      const k = exceptions.findIndex((e) => f.startsWith(e.from) && d.startsWith(e.to));
      if (k >= 0) {
        used.add(k);
        continue;
      }
      out.push(`${f} imports ${d} (${a} is on floor ${floor.get(a)}, ${b} on floor ${floor.get(b)})`);
    }
  }
  exceptions.forEach((e, k) => used.has(k) || out.push(`exception ${e.from} → ${e.to} is not used any more: remove it`));
  return out.sort();
}

/** Imports that cross between src/ and reference-server/ other than through their doors. */
export function forbiddenImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [f, deps] of graph) {
    for (const d of deps) {
      if (f.startsWith('reference-server/') && d.startsWith('src/') && !d.startsWith('src/shared/'))
        out.push(`${f} imports ${d} (only src/shared/ is allowed)`);
      if (f.startsWith('src/') && d.startsWith('reference-server/') && d !== 'reference-server/index.ts')
        out.push(`${f} imports ${d} (only reference-server/index.ts is allowed)`);
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
const STATE =
  /^(?:export\s+)?(?:(?:let|var)\s+([\w$]+)|const\s+([\w$]+)\s*(?::(?!\s*Readonly)[^=]+)?=\s*(?:new\s+(?:Map|Set|WeakMap|WeakSet|Array)\b|\[\s*\]|\{\s*\}))/gm;

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
      const write = new RegExp(
        `(?<![\\w$.])${name}(?:\\.[\\w$]+|\\[[^\\]]+\\])*(?:\\.[\\w$]+|\\[[^\\]]+\\])\\s*(?:[-+*/]?=(?!=)|\\+\\+|--)|(?<![\\w$.])${name}\\.(?:push|unshift|splice|set|add|delete|clear)\\(`,
      );
      const w = write.exec(text.slice(m.index + m[0].length));
      if (w) out.push(`${f}:${lineOf(m.index + m[0].length + w.index)}: ${w[0].trim()} (module-level ${m[1]} written)`);
    }
    if (!PROCESS_STATE.has(f))
      for (const m of text.matchAll(/\bSymbol\.for\(/g))
        out.push(`${f}:${lineOf(m.index)}: Symbol.for( (state kept on the process: list it in PROCESS_STATE with why, or pass it down)`);
    for (const m of text.matchAll(/^[ \t]+(?:(?:private|public|protected)\s+)?static\s+(?!readonly\b)(?!async\b)(?!get\b)(?!set\b)([\w$]+)\s*[:=]/gm)) {
      out.push(`${f}:${lineOf(m.index)}: ${m[0].trim()} (static field, not readonly)`);
    }
  }
  return out;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const g = importGraph(['src', 'reference-server']);
  const problems = [
    ...findCycles(g).map((c) => `cycle: ${c.join(' → ')}`),
    ...forbiddenImports(g),
    ...upwardImports(g),
    ...unrankedFolders(g).map((f) => `no floor in RANKS: ${f}`),
    ...moduleState(['src', 'reference-server']).map((m) => `module-level state: ${m}`),
  ];
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problem(s)` : `${g.size} files: no cycle, no forbidden import, every folder on its floor`);
  process.exitCode = problems.length ? 1 : 0;
}
