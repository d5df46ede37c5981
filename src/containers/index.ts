/**
 * `--runtime containers` for `run()`: check every topology has a container definition (input
 * errors first), then that a container runtime answers, and hand back the starter. Loaded
 * lazily: only runs with `--runtime containers` pay for testcontainers.
 */
import type { ServerHandle, StartOptions } from '../../reference-server/index.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../shared/errors.ts';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import { requireOptional } from '../shared/optional.ts';
import { containerPlan } from './specs.ts';

export async function containerServerStarter(topologies: string[], pushRate: number): Promise<(o: StartOptions) => Promise<ServerHandle>> {
  for (const t of topologies) containerPlan(t, { pushRate, repoRoot: PACKAGE_ROOT });
  // the reference image is built from a clone's sources (Dockerfile, src/, reference-server/), not from the package's dist/
  if (!existsSync(join(PACKAGE_ROOT, 'Dockerfile')) || !existsSync(join(PACKAGE_ROOT, 'src'))) {
    throw new InputError(
      'E_CONTAINER_RUNTIME',
      '`--runtime containers` builds the reference server image from a clone of the rtbench repository, and this is the installed package',
      {
        hint: 'run it from a clone (git clone, npm install, npx rtbench run … --runtime containers), or drop --runtime to run the topology as local processes',
      },
    );
  }
  // optional packages: said to be missing before anything is started
  requireOptional('testcontainers');
  requireOptional('@testcontainers/redis');
  const { checkContainerRuntime, startContainerTopology } = await import('./runtime.ts');
  await checkContainerRuntime();
  return startContainerTopology;
}
