import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Fork a TypeScript module as a child process with the tsx loader registered, so
 * children run the same sources as the parent with no build step.
 * @param moduleUrl `new URL('../util/child.ts', import.meta.url)` of the entry module
 */
export function forkTs(moduleUrl: URL, args: string[] = [], opts: ForkOptions = {}): ChildProcess {
  const tsxLoader = import.meta.resolve('tsx');
  return fork(fileURLToPath(moduleUrl), args, {
    ...opts,
    execArgv: ['--import', tsxLoader, ...(opts.execArgv ?? [])],
  });
}
