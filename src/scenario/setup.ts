import { ExitCode, RtbenchError, RunError } from '../shared/errors.ts';
import type { Scenario, SetupContext } from './types.ts';
import { describeUserError } from './user-error.ts';

/** Where a setup/teardown runs: the load's server and topology. */
export interface LoadSite {
  target: string;
  topology: string;
  /** The run's last load on this server (its last round, or one that stopped the run): `sharedLifecycle` tears down only then. */
  last?: boolean;
}

/**
 * The scenario's `setup()` and `teardown()` for one load, run in the coordinator. `setup` runs
 * before the generators start and its value is checked to be plain JSON (it is copied to every
 * generator); `teardown` runs after the load, also after an interrupt.
 */
export interface Lifecycle {
  /** Run `setup()`: its JSON value (`undefined` without one). Throws `E_SETUP` / `E_SETUP_DATA` (exit 1), or an interrupted error (exit 130). */
  setup(site: LoadSite, signal?: AbortSignal): Promise<unknown>;
  /** Run `teardown(data)`: null when it went well (or there is none), else what went wrong, naming the file and line. */
  teardown(data: unknown, site: LoadSite): Promise<string | null>;
}

/** The lifecycle of a loaded scenario (`file` names it in errors). */
export function lifecycleOf(scenario: Pick<Scenario, 'setup' | 'teardown'>, file: string, timeoutMs: number): Lifecycle {
  return {
    async setup(site, signal) {
      const fn = scenario.setup;
      if (!fn) return undefined;
      const outcome = await bounded((ctx) => fn(ctx), site, timeoutMs, signal);
      if (outcome.kind === 'interrupted')
        throw new RtbenchError('E_SETUP', `setup() in ${file} was interrupted: no load was started`, { exitCode: ExitCode.interrupted });
      if (outcome.kind === 'timeout') {
        throw new RunError('E_SETUP', `setup() in ${file} did not finish within ${timeoutMs} ms: no load was started`, {
          hint: 'make setup() finish sooner, or raise `setupTimeout` in the scenario',
        });
      }
      if (outcome.kind === 'threw') {
        throw new RunError('E_SETUP', `setup() in ${file} failed: no load was started`, {
          details: [describeUserError(outcome.error, file)],
          hint: 'fix setup() at the line above (it runs once in the coordinator, before the load)',
        });
      }
      const problem = jsonProblem(outcome.value, 'data');
      if (problem) {
        throw new RunError('E_SETUP_DATA', `setup() in ${file} returned a value that is not plain JSON: ${problem}`, {
          hint: 'return only plain objects, arrays, strings, finite numbers, booleans and null: the value is copied to every generator process as ctx.data',
        });
      }
      return outcome.value === undefined ? undefined : JSON.parse(JSON.stringify(outcome.value));
    },
    async teardown(data, site) {
      const fn = scenario.teardown;
      if (!fn) return null;
      const outcome = await bounded((ctx) => fn(data, ctx), site, timeoutMs);
      if (outcome.kind === 'timeout') return `teardown() in ${file} did not finish within ${timeoutMs} ms (setupTimeout)`;
      if (outcome.kind === 'threw') return `teardown() in ${file} failed: ${describeUserError(outcome.error, file)}`;
      return null;
    },
  };
}

/**
 * One `setup()` and one `teardown()` for every round of a run against the same server (a
 * `--target` run, whatever `--repeat` is): the first round's `setup` runs it and later rounds get
 * the same value; `teardown` runs once, from the last round (`site.last`). An embedded reference
 * server is started per round, so there each round has its own lifecycle (`lifecycleOf`).
 */
export function sharedLifecycle(l: Lifecycle): Lifecycle {
  let data: Promise<unknown> | null = null;
  return {
    setup: (site, signal) => (data ??= l.setup(site, signal)),
    teardown: async (value, site) => (site.last ? l.teardown(value, site) : null),
  };
}

type Outcome = { kind: 'done'; value: unknown } | { kind: 'threw'; error: unknown } | { kind: 'timeout' } | { kind: 'interrupted' };

/** Run user code with a context whose signal aborts on timeout or interrupt; settle on whichever comes first. */
async function bounded(fn: (ctx: SetupContext) => unknown, site: LoadSite, timeoutMs: number, outer?: AbortSignal): Promise<Outcome> {
  if (outer?.aborted) return { kind: 'interrupted' };
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    onAbort = () => resolve({ kind: 'interrupted' });
    outer?.addEventListener('abort', onAbort, { once: true });
  });
  const ctx: SetupContext = { target: site.target, topology: site.topology, signal: ac.signal };
  const work = (async (): Promise<Outcome> => {
    try {
      return { kind: 'done', value: await fn(ctx) };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  try {
    const outcome = await Promise.race([work, stop]);
    if (outcome.kind === 'timeout' || outcome.kind === 'interrupted') ac.abort();
    return outcome;
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener('abort', onAbort);
  }
}

/**
 * The first place where `v` is not plain JSON (a function, a class instance such as Date or Map,
 * a bigint, a non-finite number, a cycle), named by its path (`data.users[3].socket`), or null.
 */
export function jsonProblem(v: unknown, path: string, seen = new Set<object>()): string | null {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (v === undefined) return path === 'data' ? null : `${path} is undefined (JSON drops it: use null)`;
  if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} is ${v} (JSON has no such number)`;
  if (typeof v === 'function') return `${path} is a function`;
  if (typeof v !== 'object') return `${path} is a ${typeof v}`;
  if (seen.has(v)) return `${path} refers back to itself (a cycle)`;
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = jsonProblem(v[i], `${path}[${i}]`, seen);
      if (p) return p;
    }
  } else {
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto !== Object.prototype && proto !== null)
      return `${path} is a ${(v as object).constructor?.name ?? 'class instance'}, not a plain object${v instanceof Date ? ' (use date.toISOString())' : ''}`;
    for (const [k, x] of Object.entries(v)) {
      const p = jsonProblem(x, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, seen);
      if (p) return p;
    }
  }
  seen.delete(v);
  return null;
}
