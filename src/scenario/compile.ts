import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import type { TsHooksConfig } from './ts-hooks.ts';

/** True when rtbench runs from its TypeScript sources (a clone, under tsx), false as the installed package. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * What this process's scenario loading did: whether it registered the hooks and how often it imported
 * each scenario file. Kept on `process` because what it mirrors is per process: `module.register`
 * and Node's module cache.
 */
interface LoaderState {
  registered: boolean;
  loads: Map<string, number>;
}
const STATE = Symbol.for('rtbench.scenario-loader');
function loaderState(): LoaderState {
  const proc = process as unknown as Record<symbol, LoaderState | undefined>;
  return (proc[STATE] ??= { registered: false, loads: new Map() });
}

/** The query that marks a file's second and later imports in one process (src/scenario/ts-hooks.ts passes it on). */
const LOAD_PARAM = 'rtbench-load';

/**
 * Register the scenario TypeScript hooks (src/scenario/ts-hooks.ts) in this process, once. In a
 * checkout, `rtbench` is this repository's src/index.ts and the repository's own sources stay with tsx.
 */
export function registerTypeScriptHooks(): void {
  const state = loaderState();
  if (state.registered) return;
  const root = pathToFileURL(PACKAGE_ROOT).href.replace(/\/?$/, '/');
  const config: TsHooksConfig = FROM_SOURCES
    ? { rtbench: pathToFileURL(join(PACKAGE_ROOT, 'src/index.ts')).href, leave: [`${root}src/`, `${root}reference-server/`] }
    : { rtbench: null, leave: [] };
  const hooks = new URL(FROM_SOURCES ? './ts-hooks.ts' : './ts-hooks.js', import.meta.url);
  hooks.searchParams.set('config', JSON.stringify(config));
  register(hooks.href);
  state.registered = true;
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
  registerTypeScriptHooks();
  const { loads } = loaderState();
  const n = (loads.get(abs) ?? 0) + 1;
  loads.set(abs, n);
  const url = pathToFileURL(abs);
  if (n > 1) url.searchParams.set(LOAD_PARAM, String(n));
  return import(url.href);
}
