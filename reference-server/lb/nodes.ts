import type { ChildProcess } from 'node:child_process';
import { forkTs } from '../../src/shared/fork-ts.ts';
import type { WorkerStats } from '../topologies/types.ts';

export interface NodeSet {
  nodes: Array<{ index: number; port: number; pid: number }>;
  stats(): Promise<WorkerStats[]>;
  stop(): Promise<void>;
}

/** Fork `count` single-process reference nodes on free loopback ports. */
export async function startNodes(count: number, topology: string, pushRate: number, host: string): Promise<NodeSet> {
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => c.kill('SIGKILL'), 3000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    const nodes = await Promise.all(
      Array.from({ length: count }, (_, index) => {
        const c = forkTs(new URL('./node.ts', import.meta.url), [JSON.stringify({ topology, index, pushRate, host })], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(c);
        return new Promise<{ index: number; port: number; pid: number }>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`node ${index} not ready in 15 s`)), 15_000);
          c.once('message', (m: { type?: string; port?: number }) => {
            clearTimeout(t);
            if (m.type === 'ready' && m.port) resolve({ index, port: m.port, pid: c.pid! });
          });
          c.once('exit', (code) => reject(new Error(`node ${index} exited (${code})`)));
        });
      }),
    );
    const base = host.includes(':') ? `[${host}]` : host;
    return {
      nodes,
      async stats() {
        const all = await Promise.all(
          nodes.map(async (n) => {
            try {
              const r = (await (await fetch(`http://${base}:${n.port}/__rtbench/stats`, { signal: AbortSignal.timeout(2000) })).json()) as {
                worker: { id: string; pid: number };
                connections: { socketio: number; ws: number };
                totalConnections: number;
                messages: number;
              };
              return [
                { id: r.worker.id, pid: r.worker.pid, current: r.connections.socketio + r.connections.ws, total: r.totalConnections, messages: r.messages },
              ];
            } catch {
              return [];
            }
          }),
        );
        return all.flat();
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
