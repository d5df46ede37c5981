import type { OptionalPackage } from '../../src/shared/optional.ts';
import type { FaultTargets } from '../faults.ts';

/** A parsed topology spec: `cluster:4:rr` → { name: 'cluster', params: ['4', 'rr'] }. */
export interface TopologySpec {
  name: string;
  params: string[];
  raw: string;
}

export interface TopologyStartOptions {
  host: string;
  port: number;
  pushRate: number;
  /** Delay every client event by this many ms (single topology): a server with added latency. */
  delayMs?: number;
  /** Serve client events one at a time, this many ms each (single topology): a server whose capacity is exactly 1000 / serviceMs events/s. */
  serviceMs?: number;
  /** Connections a cluster worker holds before it stops accepting (cluster/accept-gate.ts); default 95% of its fd limit. */
  maxConnectionsPerWorker?: number;
  spec: TopologySpec;
}

/** A worker's own view of what it served (from the server side, to compare with what clients report). */
export interface WorkerStats {
  id: string;
  pid: number;
  /** Connections open now. */
  current: number;
  /** Connections accepted since the worker started. */
  total: number;
  /** Client events handled since the worker started. */
  messages: number;
  /** Times the worker stopped accepting because it held its connection cap (cluster workers). */
  acceptPauses?: number;
  /** SocketCluster workers: publishes/subscriptions that found no scc-broker (one was down). */
  brokerErrors?: number;
}

/** A started topology. */
export interface RunningTopology {
  /** Where clients connect, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** Every process it runs (for fault injection and cleanup). */
  pids: number[];
  /** Worker count. */
  workers: number;
  /** Per-worker server-side counts, when the topology can collect them. */
  stats?(): Promise<WorkerStats[]>;
  /** Topology-level server-side counters (e.g. misrouted connections, respawns). */
  counters?(): Promise<Record<string, number>>;
  /** The processes a scenario's `faults` may hit, by role (see reference-server/faults.ts). */
  faultTargets?(): FaultTargets;
  stop(): Promise<void>;
}

/** One way of running the reference app. One file per topology. */
export interface Topology {
  name: string;
  summary: string;
  /** Check params before starting; return problems (empty when fine). */
  check?(spec: TopologySpec): string[];
  /** Optional packages (package.json optional `peerDependencies`) this spec imports when it runs. */
  optionalPackages?(spec: TopologySpec): OptionalPackage[];
  start(opts: TopologyStartOptions): Promise<RunningTopology>;
}
