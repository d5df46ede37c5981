import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../shared/errors.ts';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import { importCompiled } from './compile.ts';
import type { Scenario } from './types.ts';
import { userFrame } from './user-error.ts';
import { validateScenario, type ResolvedScenario } from './validate.ts';

/** A loaded scenario: its validated options and the module's session function. */
export interface LoadedScenario {
  resolved: ResolvedScenario;
  scenario: Scenario;
}

/**
 * Load a scenario `.ts` (`.mts`, `.cts`, `.js`) file — types stripped as it loads (sucrase, through
 * module hooks: src/scenario/ts-hooks.ts), no build step — and validate it. Only the scenario (and
 * the local files it imports) is transformed;
 * rtbench and other packages load as they are installed.
 * Errors name the file and say the fix: missing file, syntax/type-stripping error, throw at
 * import time, invalid fields (all at once).
 */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const value = await importScenario(file);
  const resolved = validateScenario(value, file);
  return { resolved, scenario: value as Scenario };
}

/**
 * Import a scenario file for its functions only (`session`, hooks), without validating it: what
 * a generator does with the file the coordinator has already validated into the run plan.
 */
export async function importScenario(file: string): Promise<Scenario> {
  const abs = resolve(file);
  try {
    await access(abs);
  } catch {
    throw new InputError('E_SCENARIO_NOT_FOUND', `scenario file not found: ${file}`, {
      hint: `check the path (resolved to ${abs}); ${bundledScenarios()}`,
    });
  }
  let mod: { default?: unknown };
  try {
    mod = (await importCompiled(abs)) as { default?: unknown };
  } catch (e) {
    if (cannotResolveRtbench(e)) {
      throw new InputError('E_SCENARIO_LOAD', `scenario ${file} imports \`rtbench\`, which is not installed where the scenario is (${dirname(abs)})`, {
        hint: 'install rtbench in the project that holds the scenario: `npm install --save-dev rtbench` there (or move the scenario into a project that has it)',
        cause: e,
      });
    }
    throw new InputError('E_SCENARIO_LOAD', `scenario ${file} could not be loaded`, {
      details: describeLoadError(e, abs),
      hint: 'fix the error above in the scenario file; it must be valid TypeScript with `export default defineScenario({...})`',
      cause: e,
    });
  }
  return defaultExport(mod) as Scenario;
}

/**
 * The scenario's default export. A CommonJS scenario (`.cts`, or `.ts` in a `"type": "commonjs"`
 * project, the default of `npm init`) compiles `export default x` to `exports.default = x`, and
 * importing it gives that exports object as the default: unwrap it.
 */
export function defaultExport(mod: { default?: unknown }): unknown {
  const v = mod.default;
  if (v !== null && typeof v === 'object' && 'default' in v && ('__esModule' in v || !('session' in v))) return (v as { default: unknown }).default;
  return v;
}

/** `import … from 'rtbench'` could not be resolved from the scenario's folder. */
function cannotResolveRtbench(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') && /(module|package) 'rtbench'/.test(err.message ?? '');
}

function describeLoadError(e: unknown, abs: string): string[] {
  const err = e as { message?: string };
  const first = String(err.message ?? e)
    .split('\n')
    .filter((l) => l.trim() && !/^(Require stack:|- )/.test(l.trim()))
    .slice(0, 4);
  const frame = userFrame((e as { stack?: string }).stack ?? '', abs);
  if (frame) first.push(`at ${frame}`);
  return first;
}

/**
 * Where to find a scenario to start from: the bundled ones exist in a clone of rtbench (its
 * scenarios/ folder); an installed package ships none, and `rtbench init` writes a starter one.
 */
export function bundledScenarios(root: string = PACKAGE_ROOT): string {
  const dir = join(root, 'scenarios');
  if (existsSync(join(dir, 'churn.ts'))) {
    const shown = relative(process.cwd(), dir) || '.';
    return `the bundled scenarios are in ${shown.startsWith('..') ? dir : shown}/, e.g. ${join(shown.startsWith('..') ? dir : shown, 'churn.ts')}`;
  }
  return '`npx rtbench init` writes a starter scenario (rtbench/smoke.ts) for your server';
}
