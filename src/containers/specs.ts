/**
 * `--runtime containers`: the reference topologies as containers instead of local processes.
 * This file holds the plain definitions (what would be started: images, commands, ports,
 * environment, files), which tests check without a container runtime; runtime.ts turns them into
 * testcontainers objects and starts them.
 */
import { InputError } from '../shared/errors.ts';
import { getTopology, parseLbSpec, parseLbStickySpec, parseTopologySpec } from '../../reference-server/index.ts';
import { haproxySpec } from './haproxy.ts';
import type { ContainerSpec } from './types.ts';
import { redisSpec, REDIS_ALIAS, REDIS_PORT } from './redis.ts';
import { lbNodeSpec, referenceServerSpec, SERVER_PORT } from './reference-server.ts';

export type { ContainerSpec };

/** Everything one topology needs, in start order; `entry` is the container clients connect to. */
export interface ContainerPlan {
  topology: string;
  containers: ContainerSpec[];
  entry: { alias: string; port: number };
  /** Workers the topology runs (for the report). */
  workers: number;
}

const CONTAINER_TOPOLOGIES = ['single', 'cluster', 'sticky', 'router', 'lb', 'lb-sticky'] as const;

/** The containers of one reference topology. Unknown or unsupported topologies are input errors. */
export function containerPlan(topology: string, o: { pushRate?: number; repoRoot: string }): ContainerPlan {
  const spec = parseTopologySpec(topology);
  getTopology(spec); // unknown names and bad parameters fail here, listing the known ones
  const pushRate = o.pushRate ?? 0;
  if (!(CONTAINER_TOPOLOGIES as readonly string[]).includes(spec.name)) {
    throw new InputError('E_CONTAINER_RUNTIME', `topology \`${spec.raw}\` has no container definition`, {
      hint: `with --runtime containers use one of: ${CONTAINER_TOPOLOGIES.join(', ')}`,
    });
  }
  if (spec.name === 'lb') {
    const { nodes, balance } = parseLbSpec(spec);
    const nodeSpecs = Array.from({ length: nodes }, (_, i) => lbNodeSpec(o.repoRoot, spec.raw, i, pushRate));
    const proxy = haproxySpec({
      host: '0.0.0.0',
      port: SERVER_PORT,
      backends: nodeSpecs.map((n, i) => ({ name: `n${i}`, host: n.alias, port: SERVER_PORT })),
      balance,
      mode: balance === 'cookie' ? 'http' : 'tcp',
    });
    return { topology: spec.raw, containers: [...nodeSpecs, proxy], entry: { alias: proxy.alias, port: SERVER_PORT }, workers: nodes };
  }
  if (spec.name === 'lb-sticky') {
    const { workers, fix } = parseLbStickySpec(spec);
    const server = referenceServerSpec(o.repoRoot, `sticky:${workers}:${fix === 'none' ? 'default' : fix}`, pushRate);
    const proxy = haproxySpec({
      host: '0.0.0.0',
      port: SERVER_PORT,
      backends: [{ name: 'sticky_master', host: server.alias, port: SERVER_PORT }],
      balance: 'roundrobin',
      mode: fix === 'xff' ? 'http' : 'tcp',
      sendProxy: fix === 'proxy',
      forwardFor: fix === 'xff',
    });
    return { topology: spec.raw, containers: [server, proxy], entry: { alias: proxy.alias, port: SERVER_PORT }, workers };
  }
  const server = referenceServerSpec(o.repoRoot, spec.raw, pushRate);
  const containers: ContainerSpec[] = [server];
  if ((spec.name === 'cluster' || spec.name === 'sticky') && spec.params.includes('redis')) {
    containers.unshift(redisSpec());
    server.env = { ...server.env, RTBENCH_REDIS_URL: `redis://${REDIS_ALIAS}:${REDIS_PORT}` };
  }
  const n = Number(spec.params[0]);
  return { topology: spec.raw, containers, entry: { alias: server.alias, port: SERVER_PORT }, workers: Number.isInteger(n) && n > 0 ? n : 1 };
}
