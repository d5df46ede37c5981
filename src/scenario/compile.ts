import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import type { TsHooksConfig } from './ts-hooks.ts';

/** True when rtbench runs from its TypeScript sources (a clone, under tsx), false as the installed package. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** Where this process records that it registered the hooks: `module.register` is per process, as is this. */
const REGISTERED = Symbol.for('rtbench.scenario-ts-hooks');

/**
 * Register the scenario TypeScript hooks (src/scenario/ts-hooks.ts) in this process, once. In a
 * checkout, `rtbench` is this repository's src/index.ts and the repository's own sources stay with tsx.
 */
export function registerTypeScriptHooks(): void {
  const proc = process as unknown as Record<symbol, boolean>;
  if (proc[REGISTERED]) return;
  const root = pathToFileURL(PACKAGE_ROOT).href.replace(/\/?$/, '/');
  const config: TsHooksConfig = FROM_SOURCES
    ? { rtbench: pathToFileURL(join(PACKAGE_ROOT, 'src/index.ts')).href, leave: [`${root}src/`, `${root}reference-server/`, `${root}bench/`, `${root}test/`] }
    : { rtbench: null, leave: [] };
  const hooks = new URL(FROM_SOURCES ? './ts-hooks.ts' : './ts-hooks.js', import.meta.url);
  hooks.searchParams.set('config', JSON.stringify(config));
  register(hooks.href);
  proc[REGISTERED] = true;
}

/**
 * Import a scenario file as it is on disk: its TypeScript (and the local TypeScript files it imports)
 * loads through the hooks, types stripped with every line in place, so stack traces read
 * `file:///…/my.ts:LINE:COL` on the scenario's own files and lines; packages load as installed.
 */
export async function importCompiled(abs: string): Promise<unknown> {
  registerTypeScriptHooks();
  return import(pathToFileURL(abs).href);
}
