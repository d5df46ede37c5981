/**
 * Start a reference topology as containers (testcontainers): the reference server image built
 * from the repository's Dockerfile, Redis (@testcontainers/redis) and HAProxy, on one network of
 * their own. Clients reach the entry container through its port published on this machine's
 * loopback, so the load still goes to loopback only.
 */
import { execFile } from 'node:child_process';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import { RedisContainer } from '@testcontainers/redis';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { InputError, RunError } from '../shared/errors.ts';
import { isLoopbackAddress } from '../shared/net.ts';
import type { ServerHandle, StartOptions } from '../../reference-server/index.ts';
import { REFERENCE_IMAGE } from './reference-server.ts';
import { containerPlan, type ContainerSpec } from './specs.ts';

/** The repository root (build context of the reference server image). */
export const REPO_ROOT = PACKAGE_ROOT;

/** Why no container runtime can be used here (`docker info` fails), or null when one answers. */
export function containerRuntimeProblem(timeoutMs = 10_000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (!err) return resolve(null);
      const e = err as NodeJS.ErrnoException;
      resolve(
        e.code === 'ENOENT'
          ? 'the `docker` CLI is not installed'
          : `\`docker info\` failed: ${(stderr || stdout || e.message).trim().split('\n').slice(-1)[0]}`,
      );
    });
  });
}

/** Fail fast, before anything is started, when `--runtime containers` cannot work here. */
export async function checkContainerRuntime(): Promise<void> {
  const problem = await containerRuntimeProblem();
  if (problem) {
    throw new RunError('E_CONTAINER_RUNTIME', `--runtime containers needs a container runtime: ${problem}`, {
      hint: 'install and start Docker (or a compatible runtime that testcontainers finds), or drop --runtime to run the topology as local processes',
    });
  }
}

/** The testcontainers object for a Redis spec (its module's own readiness check). */
export function redisContainer(spec: ContainerSpec): RedisContainer {
  const c = new RedisContainer(spec.image).withExposedPorts(...spec.ports).withNetworkAliases(spec.alias);
  return spec.command ? c.withCommand(spec.command) : c;
}

/** The testcontainers object for one spec (the reference image must be built first). */
export function toTestContainer(spec: ContainerSpec, network?: StartedNetwork): GenericContainer {
  let c: GenericContainer =
    spec.role === 'redis' ? redisContainer(spec) : new GenericContainer(spec.image).withExposedPorts(...spec.ports).withNetworkAliases(spec.alias);
  if (spec.entrypoint) c = c.withEntrypoint(spec.entrypoint);
  if (spec.command && spec.role !== 'redis') c = c.withCommand(spec.command);
  if (spec.env) c = c.withEnvironment(spec.env);
  if (spec.files?.length) c = c.withCopyContentToContainer(spec.files.map((f) => ({ content: f.content, target: f.target })));
  if (spec.role !== 'redis') c = c.withWaitStrategy(spec.readyLog ? Wait.forLogMessage(spec.readyLog) : Wait.forListeningPorts());
  c = c.withStartupTimeout(90_000);
  return network ? c.withNetwork(network) : c;
}

/** Build the reference server image at most once per topology start (the runtime caches the Dockerfile's layers). */
class ImageBuilds {
  private built: Promise<void> | null = null;

  build(spec: ContainerSpec): Promise<void> {
    this.built ??= GenericContainer.fromDockerfile(spec.build!.context, spec.build!.dockerfile)
      .build(REFERENCE_IMAGE, { deleteOnExit: false })
      .then(() => undefined)
      .catch((e: unknown) => {
        this.built = null;
        throw new RunError('E_SERVER_START', `building the reference server image from ${spec.build!.dockerfile} failed: ${(e as Error).message}`, {
          hint: 'try `docker build -t rtbench-reference:local .` to see the whole output',
        });
      });
    return this.built;
  }
}

/** `startReferenceServer` for `--runtime containers`: same handle, backed by containers. */
export async function startContainerTopology(o: StartOptions): Promise<ServerHandle> {
  const plan = containerPlan(o.topology, { pushRate: o.pushRate ?? 0, repoRoot: REPO_ROOT });
  await checkContainerRuntime();
  const network = await new Network().start();
  const started: StartedTestContainer[] = [];
  const images = new ImageBuilds();
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const c of [...started].reverse()) await c.stop({ timeout: 5_000 }).catch(() => {});
      await network.stop().catch(() => {});
    })());
  try {
    let entry: StartedTestContainer | null = null;
    for (const spec of plan.containers) {
      if (spec.build) await images.build(spec);
      const c = await toTestContainer(spec, network).start();
      started.push(c);
      if (spec.alias === plan.entry.alias) entry = c;
    }
    const host = entry!.getHost();
    const address = host === 'localhost' ? '127.0.0.1' : host;
    if (!isLoopbackAddress(address)) {
      throw new InputError('E_TARGET_NOT_LOOPBACK', `the container runtime publishes ports on ${host}, not on this machine's loopback`, {
        hint: 'use a local container runtime (unset DOCKER_HOST / TESTCONTAINERS_HOST_OVERRIDE), or --runtime processes',
      });
    }
    const url = `http://${address}:${entry!.getMappedPort(plan.entry.port)}`;
    return {
      url,
      pid: 0, // no local process: the containers are the runtime's
      pids: [],
      livePids: async () => [],
      output: () => '', // container logs stay with the runtime
      workers: plan.workers,
      topology: plan.topology,
      // the admin endpoints answer loopback clients only, and we are not on the container's loopback
      stats: async () => ({ workers: [], counters: {} }),
      fault: async () => {
        throw new InputError('E_CONTAINER_RUNTIME', 'faults are not supported with --runtime containers', {
          hint: 'run scenarios with faults with the default runtime (local processes)',
        });
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
