/**
 * The reference server's front door: everything `src/` may use of it. `src/` imports nothing
 * else under reference-server/ (test/unit/layers.test.ts checks it), and reference-server/
 * imports from `src/` only through `src/shared/`.
 */
export { startReferenceServer, type ServerHandle, type ServerStats, type StartOptions } from './start.ts';
export { serve } from './serve.ts';
export { getTopology, parseTopologySpec, topologyNames } from './topologies/index.ts';
export type { Topology, TopologySpec } from './topologies/types.ts';
export { parseLbSpec } from './topologies/lb.ts';
export { parseLbStickySpec } from './topologies/lb-sticky.ts';
export { renderHaproxyConfig, type HaproxyConfig } from './lb/haproxy.ts';
export type { FaultOutcome, FaultRequest } from './faults.ts';
export { HASH_NAMES, HASHES, type HashName } from './sticky/hashes.ts';
