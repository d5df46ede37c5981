import http from 'node:http';
import socketClusterServer, { type AGServerSocket } from 'socketcluster-server';
import { listenOn } from '../app/server.ts';

/** The cluster state as the stand-in knows it. */
export interface StateServer {
  port: number;
  /** Broker URIs (`ws://127.0.0.1:PORT`) currently joined. */
  brokers(): string[];
  /** Resolves once `uri` has joined (rejects after `timeoutMs`). */
  waitForBroker(uri: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

type Kind = 'scc-broker' | 'scc-worker';

/**
 * A stand-in for SCC's state server (`scc-state`), which is not published on the package
 * registry (it ships as a container image and a repository). It speaks the same protocol to the
 * published `scc-broker` and `scc-broker-client` packages, on socketcluster-server:
 *
 * - a broker invokes `sccBrokerJoinCluster`; every worker is then told the new broker list
 *   (`sccBrokerJoinCluster` / `sccBrokerLeaveCluster`, `{ sccBrokerURIs, time }`);
 * - a worker invokes `sccWorkerJoinCluster` and gets `{ sccBrokerURIs, sccWorkerURIs, time }`;
 * - a socket that closes leaves the cluster.
 *
 * Unlike scc-state it tells workers at once (scc-state waits 5 s after a broker joins, to batch
 * scale-outs, and 1 s after one leaves), checks no version or auth key, and runs inside the
 * topology process. Brokers' URIs are built from the loopback address and their `instancePort`.
 */
export async function startStateServer(host = '127.0.0.1'): Promise<StateServer> {
  const server = http.createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  const ag = socketClusterServer.attach(server);
  const members = new Map<string, { socket: AGServerSocket; kind: Kind; uri: string }>();
  const waiters: Array<() => void> = [];
  const list = (kind: Kind): string[] => [...new Set([...members.values()].filter((m) => m.kind === kind).map((m) => m.uri))];
  const tellWorkers = (procedure: string): void => {
    const state = { sccBrokerURIs: list('scc-broker'), sccWorkerURIs: list('scc-worker'), time: Date.now() };
    for (const m of members.values()) if (m.kind === 'scc-worker') m.socket.invoke(procedure, state).catch(() => {});
  };
  void (async () => {
    for await (const _ of ag.listener('error')) {
      // a member that went away mid-call: it rejoins when it reconnects
    }
  })();
  void (async () => {
    for await (const { socket } of ag.listener('connection')) {
      const query = new URL(socket.request.url ?? '/', 'http://x').searchParams;
      const uriOf = (data: unknown): string => {
        const ip = (data as { instanceIp?: unknown } | null)?.instanceIp;
        const addr = typeof ip === 'string' && ip ? ip : socket.remoteAddress.replace(/^::ffff:/, '');
        return `ws://${addr.includes(':') ? `[${addr}]` : addr}:${query.get('instancePort') ?? ''}`;
      };
      void (async () => {
        for await (const req of socket.procedure('sccBrokerJoinCluster')) {
          members.set(socket.id, { socket, kind: 'scc-broker', uri: uriOf(req.data) });
          req.end();
          tellWorkers('sccBrokerJoinCluster');
          for (const w of waiters.splice(0)) w();
        }
      })();
      void (async () => {
        for await (const req of socket.procedure('sccWorkerJoinCluster')) {
          members.set(socket.id, { socket, kind: 'scc-worker', uri: uriOf(req.data) });
          req.end({ sccBrokerURIs: list('scc-broker'), sccWorkerURIs: list('scc-worker'), time: Date.now() });
          tellWorkers('sccWorkerJoinCluster');
        }
      })();
      void socket
        .listener('close')
        .once()
        .then(() => {
          const m = members.get(socket.id);
          if (!m) return;
          members.delete(socket.id);
          tellWorkers(m.kind === 'scc-broker' ? 'sccBrokerLeaveCluster' : 'sccWorkerLeaveCluster');
        });
    }
  })();
  const port = await listenOn(server, host, 0);
  return {
    port,
    brokers: () => list('scc-broker'),
    waitForBroker(uri, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`scc-broker ${uri} did not join the state server within ${timeoutMs}ms`)), timeoutMs);
        const check = (): void => {
          if (list('scc-broker').includes(uri)) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
    async close() {
      for (const m of members.values()) m.socket.disconnect(1001, 'state server closing');
      await ag.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
