/**
 * The names of the bundled reference server's topologies, and the protocol each speaks. A list
 * here (not the topology modules) so that a scenario's `engines` keys and its engine per topology
 * are checked without loading the reference server; reference-server/topologies/index.ts has one
 * entry per name, and the type checker holds the two together.
 */
export const TOPOLOGY_NAMES = ['single', 'cluster', 'sticky', 'lb', 'lb-sticky', 'router', 'socketcluster'] as const;

export type TopologyName = (typeof TOPOLOGY_NAMES)[number];

/** What a bundled topology's clients speak: SocketCluster's protocol, or the reference app's Socket.IO (and raw ws on /ws). */
export type TopologyProtocol = 'socketcluster' | 'socket.io';

export function isTopologyName(name: string): name is TopologyName {
  return (TOPOLOGY_NAMES as readonly string[]).includes(name);
}

/** The protocol of a bundled topology, by its name (`socketcluster:2` → 'socketcluster'). */
export function topologyProtocol(name: TopologyName): TopologyProtocol {
  return name === 'socketcluster' ? 'socketcluster' : 'socket.io';
}
