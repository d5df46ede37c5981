import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import type { TsHooksConfig } from './ts-hooks.ts';

/** True when rtbench runs from its TypeScript sources (a clone, under tsx), false as the installed package. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * What this process's scenario loading did: its registering of the hooks (once) and how often it imported
 * each scenario file. Kept on `process` because what it mirrors is per process: `module.register`
 * and Node's module cache.
 */
interface LoaderState {
  registering: Promise<void> | null;
  loads: Map<string, number>;
}
const STATE = Symbol.for('rtbench.scenario-loader');
function loaderState(): LoaderState {
  const proc = process as unknown as Record<symbol, LoaderState | undefined>;
  return (proc[STATE] ??= { registering: null, loads: new Map() });
}

/** The query that marks a file's second and later imports in one process (src/scenario/ts-hooks.ts passes it on). */
const LOAD_PARAM = 'rtbench-load';

/**
 * Register the scenario TypeScript hooks (src/scenario/ts-hooks.ts) in this process, once. In a
 * checkout, `rtbench` is this repository's src/index.ts and the repository's own sources stay with tsx.
 */
function registerTypeScriptHooks(): Promise<void> {
  const state = loaderState();
  return (state.registering ??= registerOnce());
}

async function registerOnce(): Promise<void> {
  const root = pathToFileURL(PACKAGE_ROOT).href.replace(/\/?$/, '/');
  const config: TsHooksConfig = FROM_SOURCES
    ? { rtbench: pathToFileURL(join(PACKAGE_ROOT, 'src/index.ts')).href, leave: [`${root}src/`, `${root}reference-server/`] }
    : { rtbench: null, leave: [] };
  const hooks = new URL(FROM_SOURCES ? './ts-hooks.ts' : './ts-hooks.js', import.meta.url);
  hooks.searchParams.set('config', JSON.stringify(config));
  register(hooks.href);
  // sucrase loads here, with the first scenario, not with the CLI
  const { stripTypes } = await import('./strip-types.ts');
  registerRequireHooks(stripTypes, FROM_SOURCES ? [join(PACKAGE_ROOT, 'src/'), join(PACKAGE_ROOT, 'reference-server/')] : []);
}

type CjsLoader = (mod: { _compile(code: string, file: string): unknown }, file: string) => void;

/**
 * `require` of the user's own TypeScript from a CommonJS scenario (`require('./lib/auth')`,
 * `require('./lib/auth.ts')`): the module hooks above serve `import` only, and Node's CommonJS
 * loader runs in this thread. `.ts` and `.cts` files outside node_modules load with their types
 * stripped and imports turned into requires, lines kept (src/scenario/strip-types.ts); with `.ts`
 * registered, Node's resolution finds `./lib/auth` as `./lib/auth.ts`. Other files (a package's,
 * or a checkout's own sources, which tsx compiles) go to the loader that was there before.
 */
function registerRequireHooks(stripTypes: (text: string, path: string, commonJs: boolean) => string, leave: string[]): void {
  const require = createRequire(import.meta.url);
  const loaders = (require('node:module') as { _extensions: Record<string, CjsLoader | undefined> })._extensions;
  for (const ext of ['.ts', '.cts']) {
    const before = loaders[ext];
    loaders[ext] = (mod, file) => {
      const own = !file.includes('/node_modules/') && !file.endsWith('.d.ts') && !leave.some((p) => file.startsWith(p));
      if (own) mod._compile(stripTypes(readFileSync(file, 'utf8'), file, true), file);
      else (before ?? loaders['.js']!)(mod, file);
    };
  }
}

/**
 * Import a scenario file as it is on disk: its TypeScript (and the local TypeScript files it imports)
 * loads through the hooks, types stripped with every line in place, so stack traces read
 * `file:///…/my.ts:LINE:COL` on the scenario's own files and lines; packages load as installed.
 * Each call evaluates the scenario afresh (as edited since, with the environment as it is now): the
 * second and later imports of a file in one process carry `?rtbench-load=N`, and so do the local
 * files it imports.
 */
export async function importCompiled(abs: string): Promise<unknown> {
  await registerTypeScriptHooks();
  const { loads } = loaderState();
  const n = (loads.get(abs) ?? 0) + 1;
  loads.set(abs, n);
  const url = pathToFileURL(abs);
  if (n > 1) url.searchParams.set(LOAD_PARAM, String(n));
  return import(url.href);
}
