/**
 * `--runtime containers` for `run()`: check every topology has a container definition (input
 * errors first), then that a container runtime answers, and hand back the starter. Loaded
 * lazily: only runs with `--runtime containers` pay for testcontainers.
 */
import type { ServerHandle, StartOptions } from '../../reference-server/index.ts';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import { requireOptional } from '../shared/optional.ts';
import { containerPlan } from './specs.ts';

export async function containerServerStarter(topologies: string[], pushRate: number): Promise<(o: StartOptions) => Promise<ServerHandle>> {
  for (const t of topologies) containerPlan(t, { pushRate, repoRoot: PACKAGE_ROOT });
  // optional packages: said to be missing before anything is started
  requireOptional('testcontainers');
  requireOptional('@testcontainers/redis');
  const { checkContainerRuntime, startContainerTopology } = await import('./runtime.ts');
  await checkContainerRuntime();
  return startContainerTopology;
}
