import { InputError } from '../../src/shared/errors.ts';
import { didYouMean } from '../../src/shared/suggest.ts';
import { TOPOLOGY_NAMES, type TopologyName } from '../../src/shared/topology-names.ts';
import { requireOptional } from '../../src/shared/optional.ts';
import { clusterTopology } from './cluster.ts';
import { lbStickyTopology } from './lb-sticky.ts';
import { lbTopology } from './lb.ts';
import { routerTopology } from './router.ts';
import { single } from './single.ts';
import { socketClusterTopology } from './socketcluster.ts';
import { stickyTopology } from './sticky.ts';
import type { Topology, TopologySpec } from './types.ts';

/** Every topology, by name (its name is also listed in src/shared/topology-names.ts). Adding one is two lines. */
const TOPOLOGIES: Readonly<Record<TopologyName, Topology>> = {
  single,
  cluster: clusterTopology,
  sticky: stickyTopology,
  lb: lbTopology,
  'lb-sticky': lbStickyTopology,
  router: routerTopology,
  socketcluster: socketClusterTopology,
};

/** `cluster:4:rr` → { name: 'cluster', params: ['4', 'rr'], raw }. */
export function parseTopologySpec(raw: string): TopologySpec {
  const [name = '', ...params] = raw.trim().split(':');
  return { name, params, raw: raw.trim() };
}

export function topologyNames(): string[] {
  return [...TOPOLOGY_NAMES];
}

/** The topology for a spec; an unknown name or bad params is an InputError naming the fix. */
export function getTopology(spec: TopologySpec): Topology {
  const t = Object.hasOwn(TOPOLOGIES, spec.name) ? TOPOLOGIES[spec.name as TopologyName] : undefined;
  if (!t) {
    const near = didYouMean(spec.name, TOPOLOGY_NAMES);
    throw new InputError('E_UNKNOWN_TOPOLOGY', `unknown topology \`${spec.raw}\``, {
      hint: `${near ? `did you mean \`${[near, ...spec.params].join(':')}\`? ` : ''}use one of: ${topologyNames().join(', ')} (see docs/topologies.md)`,
    });
  }
  const problems = t.check?.(spec) ?? [];
  if (problems.length) throw new InputError('E_UNKNOWN_TOPOLOGY', `invalid topology \`${spec.raw}\``, { details: problems, hint: 'see docs/topologies.md' });
  // a missing optional package is said here, before anything is started (its children import it)
  for (const pkg of t.optionalPackages?.(spec) ?? []) requireOptional(pkg);
  return t;
}
