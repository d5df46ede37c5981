import { isLoopbackAddress } from '../src/shared/net.ts';
import { getTopology, parseTopologySpec } from './topologies/index.ts';

/** Run a topology in this process (for `rtbench serve`). */
export async function serve(o: {
  topology: string;
  host: string;
  port: number;
  pushRate: number;
  delayMs?: number;
  serviceMs?: number;
  maxConnectionsPerWorker?: number;
  log: (line: string) => void;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const spec = parseTopologySpec(o.topology);
  const topology = getTopology(spec);
  if (!isLoopbackAddress(o.host)) {
    o.log(
      `WARNING: binding ${o.host}, which is not loopback: anyone who can reach it can connect to the app (the admin endpoints still answer loopback clients only).`,
    );
  }
  const running = await topology.start({
    host: o.host,
    port: o.port,
    pushRate: o.pushRate,
    delayMs: o.delayMs ?? 0,
    serviceMs: o.serviceMs ?? 0,
    ...(o.maxConnectionsPerWorker ? { maxConnectionsPerWorker: o.maxConnectionsPerWorker } : {}),
    spec,
  });
  const ws = running.url.replace(/^http/, 'ws');
  const paths = spec.name === 'socketcluster' ? `SocketCluster: ${ws}/socketcluster/` : `socket.io: ${running.url}/socket.io  ws: ${ws}/ws`;
  o.log(`rtbench reference server (${spec.raw}, ${running.workers} worker${running.workers > 1 ? 's' : ''}) on ${running.url}  ${paths}  (Ctrl-C stops it)`);
  return { url: running.url, stop: () => running.stop() };
}
