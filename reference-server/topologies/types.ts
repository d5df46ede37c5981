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
  spec: TopologySpec;
}

/** A started topology. */
export interface RunningTopology {
  /** Where clients connect, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** Every process it runs (for fault injection and cleanup). */
  pids: number[];
  /** Worker count. */
  workers: number;
  stop(): Promise<void>;
}

/** One way of running the reference app. One file per topology. */
export interface Topology {
  name: string;
  summary: string;
  /** Check params before starting; return problems (empty when fine). */
  check?(spec: TopologySpec): string[];
  start(opts: TopologyStartOptions): Promise<RunningTopology>;
}
