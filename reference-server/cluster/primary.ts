import cluster, { type Worker } from 'node:cluster';
import { childEntry, childExecArgv } from '../../src/shared/fork-ts.ts';
import type { FaultSlot } from '../faults.ts';
import type { WorkerStats } from '../topologies/types.ts';
import type { PrimaryToWorker, WorkerConfig, WorkerToPrimary } from './messages.ts';

/** Cluster workers kept in fixed slots: a worker that dies is respawned in the same slot. */
export interface SlotPool {
  /** Fork every slot; resolves with the port the first worker reported (0 when not listening). */
  start(): Promise<number>;
  /** The live worker of a slot once it is ready to serve, or null while it is being respawned or starting. */
  worker(index: number): Worker | null;
  size: number;
  /** How many times a slot was respawned. */
  respawns(): number;
  pids(): number[];
  /** Fault slots, one per worker slot (a killed worker is respawned in its slot). */
  faultSlots(): FaultSlot[];
  stats(timeoutMs?: number): Promise<WorkerStats[]>;
  /** Listen to every worker's messages (also those of respawned workers). */
  onMessage(fn: (index: number, msg: WorkerToPrimary) => void): void;
  stop(): Promise<void>;
}

/**
 * Fork `count` cluster workers running `exec` (default reference-server/cluster/worker.ts) with tsx;
 * each gets `config(index)` as JSON in RTBENCH_WORKER and speaks the messages of cluster/messages.ts.
 * `policy` sets cluster.schedulingPolicy ('rr' round-robin through the primary, 'none' = the OS);
 * it must be chosen before the first fork and holds for the whole process (the topology
 * process owns its cluster, so one pool per process).
 */
export function createSlotPool<C = WorkerConfig>(
  count: number,
  config: (index: number) => C,
  policy: 'rr' | 'none' = 'rr',
  exec: URL = new URL('./worker.ts', import.meta.url),
): SlotPool {
  const slots: Array<Worker | null> = new Array(count).fill(null);
  /** PID of each slot's worker once it reported listening (ready to serve). */
  const readyPids: Array<number | null> = new Array(count).fill(null);
  let stopping = false;
  let respawned = 0;
  let statsId = 0;
  const listeners: Array<(index: number, msg: WorkerToPrimary) => void> = [];
  cluster.schedulingPolicy = policy === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE;
  cluster.setupPrimary({
    exec: childEntry(exec),
    execArgv: childExecArgv(),
    silent: false,
  });

  const fork = (index: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const w = cluster.fork({ RTBENCH_WORKER: JSON.stringify(config(index)) });
      slots[index] = w;
      w.on('message', (m: WorkerToPrimary) => {
        for (const fn of listeners) fn(index, m);
      });
      const onMsg = (m: WorkerToPrimary): void => {
        if (m?.type === 'rtbench:listening') {
          w.off('message', onMsg);
          if (slots[index] === w) readyPids[index] = w.process.pid ?? null;
          resolve(m.port);
        }
      };
      w.on('message', onMsg);
      w.once('exit', (code, signal) => {
        if (slots[index] === w) {
          slots[index] = null;
          readyPids[index] = null;
        }
        reject(new Error(`worker ${index} exited (${signal ?? code}) before listening`));
        if (!stopping) {
          respawned++;
          setTimeout(() => {
            if (!stopping) fork(index).catch(() => {});
          }, 50);
        }
      });
    });

  return {
    size: count,
    async start() {
      const ports = await Promise.all(slots.map((_, i) => fork(i)));
      return ports[0] ?? 0;
    },
    worker: (i) => {
      const w = slots[i];
      return w && readyPids[i] === w.process.pid ? w : null;
    },
    onMessage: (fn) => void listeners.push(fn),
    respawns: () => respawned,
    pids: () => slots.flatMap((w) => (w?.process.pid ? [w.process.pid] : [])),
    faultSlots: () => slots.map((_, i) => ({ pid: () => slots[i]?.process.pid ?? null, readyPid: () => readyPids[i] ?? null, supervised: true })),
    async stats(timeoutMs = 2000) {
      const id = ++statsId;
      const live = slots.filter((w): w is Worker => w?.isConnected() === true);
      const replies = live.map(
        (w) =>
          new Promise<WorkerStats | null>((resolve) => {
            const timer = setTimeout(() => done(null), timeoutMs);
            const onMsg = (m: WorkerToPrimary): void => {
              if (m?.type === 'rtbench:stats' && m.id === id) done(m.stats);
            };
            const done = (s: WorkerStats | null): void => {
              clearTimeout(timer);
              w.off('message', onMsg);
              resolve(s);
            };
            w.on('message', onMsg);
            w.send({ type: 'rtbench:stats', id } satisfies PrimaryToWorker);
          }),
      );
      return (await Promise.all(replies)).filter((s): s is WorkerStats => s !== null);
    },
    async stop() {
      stopping = true;
      const live = slots.filter((w): w is Worker => w !== null);
      await Promise.all(
        live.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const t = setTimeout(() => w.process.kill('SIGKILL'), 3000);
              w.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
