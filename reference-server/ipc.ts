/**
 * The messages between `startReferenceServer` (start.ts, the parent) and the topology process it
 * forks (process.ts), typed on both sides.
 */
import type { FaultOutcome, FaultRequest } from './faults.ts';
import type { TopologyStartOptions, WorkerStats } from './topologies/types.ts';

/** What the topology process is started with (argv[2], JSON): a topology's start options, its spec as written. */
export type ServerArgs = Omit<TopologyStartOptions, 'spec'> & { topology: string };

/** Parent → topology process: stop, or a question answered under the same `id`. */
export type ToServer = { type: 'stop' } | { type: 'stats'; id: number } | { type: 'pids'; id: number } | { type: 'fault'; id: number; fault: FaultRequest };

/** Topology process → parent: ready (or why not), and the answers. */
export type FromServer =
  | { type: 'ready'; url: string; pids: number[]; workers: number }
  | { type: 'error'; code: string; message: string }
  | { type: 'stats'; id: number; stats: WorkerStats[]; counters: Record<string, number> }
  | { type: 'pids'; id: number; pids: number[] }
  | { type: 'fault'; id: number; outcome: FaultOutcome; error?: undefined }
  | { type: 'fault'; id: number; error: string; outcome?: undefined };

/** The answer of the topology process to a question of `type`. */
export type Answer<T extends 'stats' | 'pids' | 'fault'> = Extract<FromServer, { type: T }>;

/** From the topology process: send `m` to the parent (when there is one), then call `done`. */
export function toParent(m: FromServer, done?: () => void): void {
  if (done) process.send?.(m, done);
  else process.send?.(m);
}
