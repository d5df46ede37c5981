/**
 * Node module customization hooks (registered by src/scenario/compile.ts with `module.register`) that
 * let the scenario's own TypeScript files load: `.ts`, `.mts` and `.cts` outside `node_modules` have
 * their types stripped by sucrase (pure JavaScript, no install script) as they load. Sucrase keeps
 * every line where it was, so stack frames point at the scenario's real lines without source maps.
 *
 * - ES module or CommonJS: a `.mts` file, or a `.ts` file in a `"type": "module"` project, is an ES
 *   module. A `.cts` file, or a `.ts` file in a CommonJS project (the default of `npm init`), also
 *   runs as an ES module (so its `import`s of local TypeScript files go through these hooks), with
 *   `require`, `module`, `exports`, `__filename` and `__dirname` of its own file set on its first
 *   line; without an `export` statement its `module.exports` is its default export.
 * - Relative imports written as in TypeScript (`./helper`, `./helper.js`) find `./helper.ts`; so does
 *   `require` in a CommonJS scenario (with the require hook of src/scenario/compile.ts).
 * - Packages resolve as Node resolves them from the importing file: `rtbench` is the copy installed
 *   in the scenario's project. In a repository checkout (no build), `rtbench` is its `src/index.ts`.
 *
 * The configuration comes in this module's URL (`?config=`), read once: the hooks keep no state.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripTypes } from './strip-types.ts';

/** What the registering process tells the hooks. */
export interface TsHooksConfig {
  /** URL that `rtbench` resolves to (a checkout's src/index.ts), or null to resolve it as Node does. */
  rtbench: string | null;
  /** URL prefixes whose TypeScript another loader already handles (a checkout's own sources under tsx). */
  leave: string[];
}

const config = JSON.parse(new URL(import.meta.url).searchParams.get('config') ?? '{"rtbench":null,"leave":[]}') as TsHooksConfig;

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type Loaded = { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context: { parentURL?: string; conditions?: string[] }) => Promise<Resolved>;
type NextLoad = (url: string, context: { format?: string | null; conditions?: string[] }) => Promise<Loaded>;

/** A TypeScript file of the user's (not a package's, not one another loader compiles). */
function ownTypeScript(url: string): boolean {
  if (!url.startsWith('file:')) return false;
  const path = url.replace(/[?#].*$/, '');
  return /\.[cm]?ts$/.test(path) && !path.endsWith('.d.ts') && !path.includes('/node_modules/') && !config.leave.some((p) => path.startsWith(p));
}

/** What a TypeScript relative import may mean on disk, in the order TypeScript tries them. */
function candidates(specifier: string): string[] {
  const js = /\.([cm]?)js$/.exec(specifier);
  if (js) return [`${specifier.slice(0, -js[0].length)}.${js[1]}ts`];
  if (/\.[cm]?ts$/.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}.mts`, `${specifier}.cts`, `${specifier}/index.ts`];
}

export async function resolve(specifier: string, context: { parentURL?: string; conditions?: string[] }, nextResolve: NextResolve): Promise<Resolved> {
  // through the next resolver: in a checkout, tsx marks the sources it will load
  if (specifier === 'rtbench' && config.rtbench) return nextResolve(config.rtbench, context);
  try {
    return sameLoad(await nextResolve(specifier, context), specifier, context.parentURL);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (!relative || !context.parentURL || !ownTypeScript(context.parentURL) || (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT'))
      throw e;
    for (const alt of candidates(specifier)) {
      try {
        return sameLoad(await nextResolve(alt, context), specifier, context.parentURL);
      } catch {
        // try the next spelling
      }
    }
    throw e;
  }
}

/**
 * A scenario imported again in one process (`?rtbench-load=N`, src/scenario/compile.ts) has its local
 * TypeScript files evaluated again too: the mark passes from the importing file to them.
 */
function sameLoad(r: Resolved, specifier: string, parentURL: string | undefined): Resolved {
  const mark = parentURL ? new URL(parentURL).searchParams.get('rtbench-load') : null;
  if (!mark || !(specifier.startsWith('./') || specifier.startsWith('../')) || !ownTypeScript(r.url)) return r;
  const url = new URL(r.url);
  url.searchParams.set('rtbench-load', mark);
  return { ...r, url: url.href };
}

export async function load(url: string, context: { format?: string | null; conditions?: string[] }, nextLoad: NextLoad): Promise<Loaded> {
  if (!ownTypeScript(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const code = stripTypes(await readFile(path, 'utf8'), path);
  return { format: 'module', source: commonJs(path) ? commonJsPrologue(code, url, path) : code, shortCircuit: true };
}

/** `.cts`, or `.ts` whose nearest package.json does not say `"type": "module"`. */
function commonJs(path: string): boolean {
  if (path.endsWith('.cts')) return true;
  if (path.endsWith('.mts')) return false;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string }).type !== 'module';
    } catch {
      if (dirname(dir) === dir) return true;
    }
  }
}

/**
 * A CommonJS file's names, declared on its first line (no line moves); its `module.exports` is the
 * default export when it has no `export` of its own.
 */
function commonJsPrologue(code: string, url: string, path: string): string {
  const own = (name: string): boolean => new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b`).test(code);
  // `require('./x.js')` finds `./x.ts`, as TypeScript's own resolution does (src/scenario/compile.ts
  // hooks `.ts` into Node's require, so `./x` and `./x.ts` are found without help)
  const tsRequire = `const require = ((r) => Object.assign((id) => { try { return r(id); } catch (e) { const m = /^\\.\\.?\\/.*\\.([cm]?)js$/.exec(id); if (!m || e?.code !== 'MODULE_NOT_FOUND') throw e; return r(id.slice(0, -m[1].length - 2) + m[1] + 'ts'); } }, r))(__rtbenchCreateRequire(${JSON.stringify(url)}));`;
  const head = [
    `import { createRequire as __rtbenchCreateRequire } from 'node:module';`,
    own('require') ? '' : tsRequire,
    own('module') ? '' : 'const module = { exports: {} };',
    own('exports') ? '' : 'var exports = module.exports;',
    own('__filename') ? '' : `const __filename = ${JSON.stringify(path)};`,
    own('__dirname') ? '' : `const __dirname = ${JSON.stringify(dirname(path))};`,
  ].join(' ');
  const tail = /^\s*export\s/m.test(code) ? '' : '\nexport default module.exports;\n';
  return `${head} ${code}${tail}`;
}
