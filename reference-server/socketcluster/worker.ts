/**
 * A worker of the `socketcluster` topology: the reference app on socketcluster-server, joined to
 * the SCC cluster through the published `scc-broker-client` (channels cross workers through the
 * scc-broker processes). Takes connections on the shared port through Node's cluster module
 * (the primary deals them, `rr`, or the OS does, `none`), with the same connection cap as the
 * `cluster` topology's workers, and answers the primary's stats requests.
 */
import sccBrokerClient from 'scc-broker-client';
import { createContext } from '../app/context.ts';
import { heartbeatFromEnv } from '../app/server.ts';
import { AcceptGate, connectionCap } from '../cluster/accept-gate.ts';
import { type PrimaryToWorker, statsReply, type WorkerToPrimary } from '../cluster/messages.ts';
import { createScAppServer } from './app.ts';

/** What the topology passes each worker (RTBENCH_WORKER, JSON). */
export interface ScWorkerConfig {
  topology: string;
  index: number;
  pushRate: number;
  host: string;
  port: number;
  stateServerPort: number;
  maxConnections: number | null;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.RTBENCH_WORKER ?? '{}') as ScWorkerConfig;
  const ctx = createContext(cfg.topology, cfg.index, cfg.pushRate, 'socketcluster');
  const app = createScAppServer(ctx, heartbeatFromEnv());
  let brokerErrors = 0;
  const cluster = sccBrokerClient.attach(app.ag.brokerEngine, {
    stateServerHost: '127.0.0.1',
    stateServerPort: cfg.stateServerPort,
    // publishes carry it, so the worker skips its own messages coming back from a broker (delivered locally already)
    instanceId: `${ctx.identity.id}@${process.pid}`,
    instancePort: cfg.port,
    instanceIp: '127.0.0.1',
    brokerRetryDelay: 300,
    stateServerReconnectRandomness: 200,
  });
  void (async () => {
    // while a broker is down, publishes and subscriptions of its channels fail here (the channel stays local)
    for await (const _ of cluster.listener('error')) brokerErrors++;
  })();
  const joined = cluster.listener('updateBrokers').once();
  const send = (m: WorkerToPrimary): void => void process.send?.(m);
  const gate = new AcceptGate(app.http, connectionCap(cfg.maxConnections), cfg.host);
  process.on('message', (msg: PrimaryToWorker) => {
    if (msg?.type !== 'rtbench:stats') return;
    send(statsReply(msg.id, ctx, { acceptPauses: gate.pauses, brokerErrors }));
  });
  await Promise.race([joined, new Promise((_, reject) => setTimeout(() => reject(new Error('no scc-broker list from the state server within 20 s')), 20_000))]);
  const port = await gate.listen(cfg.port);
  send({ type: 'rtbench:listening', port });
}

void main().catch((e: Error) => {
  console.error(`[socketcluster worker] ${e.message}`);
  process.exit(1);
});
