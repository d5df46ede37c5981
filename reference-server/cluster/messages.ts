import type { AppContext } from '../app/context.ts';
import type { WorkerStats } from '../topologies/types.ts';

/** How a cluster worker takes connections. */
export type WorkerMode = 'listen' | 'handoff';

/** Worker configuration, passed in the RTBENCH_WORKER environment variable (JSON). */
export interface WorkerConfig {
  topology: string;
  /** Prefix of worker ids, e.g. `cluster` → `cluster#0`. */
  name: string;
  index: number;
  pushRate: number;
  adapter: 'cluster' | 'redis';
  redisUrl: string | null;
  mode: WorkerMode;
  host: string;
  port: number;
  /** Connections held before the worker stops accepting (`listen` mode); null: 95% of its fd limit. */
  maxConnections?: number | null;
}

/** Primary ↔ worker IPC messages (besides the adapters' own). */
export type PrimaryToWorker = { type: 'rtbench:stats'; id: number } | { type: 'rtbench:conn'; data: string };
export type WorkerToPrimary =
  | { type: 'rtbench:listening'; port: number }
  | { type: 'rtbench:stats'; id: number; stats: WorkerStats }
  | { type: 'rtbench:sid'; sid: string; open: boolean };

/** A worker's answer to `rtbench:stats` (cluster and SocketCluster workers): its counts, plus what only it knows. */
export function statsReply(id: number, ctx: AppContext, extra: Partial<WorkerStats> = {}): WorkerToPrimary {
  const s = ctx.stats;
  return {
    type: 'rtbench:stats',
    id,
    stats: { id: ctx.identity.id, pid: process.pid, current: s.socketio + s.ws, total: s.total, messages: s.messages, ...extra },
  };
}
