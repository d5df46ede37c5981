import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * True when this module runs as compiled JavaScript (the installed package's dist/), false when
 * the TypeScript sources run through tsx (a repository checkout).
 */
const COMPILED = import.meta.url.endsWith('.js');

/**
 * A child entry module as it exists at run time: `new URL('./child.ts', import.meta.url)` is written
 * against the sources; compiled, the file beside the caller is `child.js`.
 */
export function childEntry(moduleUrl: URL): string {
  const path = fileURLToPath(moduleUrl);
  return COMPILED ? path.replace(/\.ts$/, '.js') : path;
}

/** Node flags a child needs to run the entry: the tsx loader when running from sources, none compiled. */
export function childExecArgv(extra: string[] = []): string[] {
  return COMPILED ? [...extra] : ['--import', import.meta.resolve('tsx'), ...extra];
}

/**
 * Fork a module of rtbench (reference server, generator) as a child process running the same code
 * as the parent: compiled JavaScript in the installed package, or the TypeScript sources with the
 * tsx loader registered in a checkout (no build step).
 * @param moduleUrl `new URL('../util/child.ts', import.meta.url)` of the entry module
 */
export function forkTs(moduleUrl: URL, args: string[] = [], opts: ForkOptions = {}): ChildProcess {
  return fork(childEntry(moduleUrl), args, { ...opts, execArgv: childExecArgv(opts.execArgv ?? []) });
}
