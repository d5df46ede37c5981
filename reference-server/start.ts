import { RunError } from '../src/shared/errors.ts';
import { forkTs } from '../src/shared/fork-ts.ts';
import { getTopology, parseTopologySpec } from './topologies/index.ts';
import type { WorkerStats } from './topologies/types.ts';
import type { FaultOutcome, FaultRequest } from './faults.ts';
import type { Answer, FromServer, ServerArgs, ToServer } from './ipc.ts';

/** A reference server running in a child process. */
export interface ServerHandle {
  url: string;
  /** PID of the child process that owns the topology. */
  pid: number;
  /** Every PID of the topology (workers, router, …) when it started. */
  pids: number[];
  /**
   * Every PID of the topology running now, the topology process included: also the processes that
   * replaced killed ones (a respawned worker, a restarted broker). Ask just before `stop()` to check
   * afterwards that nothing is left running. [] when the server is not running (or does not answer).
   */
  livePids(timeoutMs?: number): Promise<number[]>;
  workers: number;
  topology: string;
  /** The workers' own per-worker counts and topology counters (empty when the topology cannot tell). */
  stats(timeoutMs?: number): Promise<ServerStats>;
  /** Inject a fault (kill, pause, restart a piece); resolves once it is replaced (or with why not). Rejects with the reason it cannot be done. */
  fault(req: FaultRequest, timeoutMs?: number): Promise<FaultOutcome>;
  /** The last lines the server processes printed (for diagnosis). */
  output(): string;
  /** Stop it: graceful, then SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

/** Server-side view: per-worker stats and topology counters. */
export interface ServerStats {
  workers: WorkerStats[];
  counters: Record<string, number>;
}

export interface StartOptions {
  topology: string;
  host?: string;
  port?: number;
  pushRate?: number;
  /** Delay every client event by this many ms (single topology). */
  delayMs?: number;
  /** Serve client events one at a time, this many ms each (single topology): capacity exactly 1000 / serviceMs events/s. */
  serviceMs?: number;
  /** Engine.IO heartbeat of every worker (ms); a paused worker is noticed after interval + timeout. Default socket.io's 25 s / 20 s. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Socket.IO connection-state recovery on every worker: how long a disconnected session is kept (ms); absent or 0: off. */
  recoveryMs?: number;
  /** Connections a cluster worker holds before it stops accepting (default: 95% of its open-file limit). */
  maxConnectionsPerWorker?: number;
  timeoutMs?: number;
}

/** Start the reference server (any topology) in a child process on loopback; resolves once it is ready. */
export async function startReferenceServer(o: StartOptions): Promise<ServerHandle> {
  getTopology(parseTopologySpec(o.topology)); // bad names fail here, before anything is forked
  const args: ServerArgs = {
    topology: o.topology,
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    pushRate: o.pushRate ?? 0,
    delayMs: o.delayMs ?? 0,
    serviceMs: o.serviceMs ?? 0,
    ...(o.maxConnectionsPerWorker ? { maxConnectionsPerWorker: o.maxConnectionsPerWorker } : {}),
  };
  const env = {
    ...process.env,
    ...(o.pingIntervalMs ? { RTBENCH_PING_INTERVAL_MS: String(o.pingIntervalMs) } : {}),
    ...(o.pingTimeoutMs ? { RTBENCH_PING_TIMEOUT_MS: String(o.pingTimeoutMs) } : {}),
    ...(o.recoveryMs ? { RTBENCH_RECOVERY_MS: String(o.recoveryMs) } : {}),
  };
  const child = forkTs(new URL('./process.ts', import.meta.url), [JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  let tail = '';
  const keep = (b: Buffer): void => {
    tail = (tail + b.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (m: ToServer): void => void child.send(m);
  const onMessage = (listener: (m: FromServer) => void): (() => void) => {
    child.on('message', listener);
    return () => void child.off('message', listener);
  };
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) send({ type: 'stop' });
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    })());

  const ready = await new Promise<{ url: string; pids: number[]; workers: number }>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop();
      reject(
        new RunError('E_SERVER_START', `reference server \`${o.topology}\` failed to start: ${why}`, {
          details: tail.trim() ? tail.trim().split('\n').slice(-8) : [],
          hint: `see the lines above; run \`npx rtbench serve --topology ${o.topology}\` to try it on its own`,
        }),
      );
    };
    const timer = setTimeout(() => fail(`not ready within ${o.timeoutMs ?? 15_000}ms`), o.timeoutMs ?? 15_000);
    onMessage((m) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ url: m.url, pids: m.pids, workers: m.workers });
      } else if (m.type === 'error') fail(m.message);
    });
    child.once('exit', (code, signal) => fail(`process exited (${signal ?? `code ${code}`})`));
  });
  let askId = 0;
  /** Ask the topology process a question of `type`; `fallback` when it is gone or does not answer in time. */
  const ask = <K extends 'stats' | 'pids', T>(type: K, timeoutMs: number, fallback: T, read: (m: Answer<K>) => T): Promise<T> =>
    new Promise((resolve) => {
      if (!child.connected) return resolve(fallback);
      const id = ++askId;
      const done = (v: T): void => {
        clearTimeout(timer);
        off();
        resolve(v);
      };
      const off = onMessage((m) => {
        if (m.type === type && m.id === id) done(read(m as Answer<K>));
      });
      const timer = setTimeout(() => done(fallback), timeoutMs);
      send({ type, id });
    });
  const stats = (timeoutMs = 3000): Promise<ServerStats> =>
    ask('stats', timeoutMs, { workers: [], counters: {} }, (m) => ({ workers: m.stats, counters: m.counters }));
  const livePids = (timeoutMs = 3000): Promise<number[]> => ask('pids', timeoutMs, [], (m) => m.pids);
  let faultId = 0;
  const fault = (req: FaultRequest, timeoutMs = 40_000): Promise<FaultOutcome> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('the reference server is not running'));
      const id = ++faultId;
      const off = onMessage((m) => {
        if (m.type !== 'fault' || m.id !== id) return;
        clearTimeout(timer);
        off();
        if (m.outcome) resolve(m.outcome);
        else reject(new Error(m.error));
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no answer from the reference server within ${timeoutMs}ms`));
      }, timeoutMs);
      send({ type: 'fault', id, fault: req });
    });
  return { ...ready, pid: child.pid!, topology: o.topology, stats, livePids, fault, stop, output: () => tail };
}
