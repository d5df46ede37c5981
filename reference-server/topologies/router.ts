import net from 'node:net';
import { createContext } from '../app/context.ts';
import { createAppServer, urlOf } from '../app/server.ts';
import { startChild, type Child } from '../infra/child.ts';
import { createBackendHandlers, deliverPublished, type RpcRequest } from '../router/handlers.ts';
import type { FaultSlot } from '../faults.ts';
import type { RunningTopology, Topology, TopologySpec, TopologyStartOptions, WorkerStats } from './types.ts';

/** `router` (1x2), `router:FxB`, or `router:single`. */
export function parseRouterSpec(spec: TopologySpec): { single: boolean; frontends: number; backends: number } {
  const p = spec.params[0];
  if (p === 'single') return { single: true, frontends: 1, backends: 1 };
  const m = /^(\d+)x(\d+)$/.exec(p ?? '1x2');
  return { single: false, frontends: m ? Number(m[1]) : NaN, backends: m ? Number(m[2]) : NaN };
}

const RPC_TIMEOUT_MS = 5000;

/** `router:single`: frontend, router and backend in one process; messages passed in memory, never serialised. */
async function startSingle({ host, port, pushRate, spec }: TopologyStartOptions): Promise<RunningTopology> {
  const ctx = createContext(spec.raw, 0, pushRate, 'router-fe');
  let app: ReturnType<typeof createAppServer> | null = null;
  const handle = createBackendHandlers('router-be#0', (msg) => app && deliverPublished(app.io, msg));
  app = createAppServer(ctx, {}, { call: async (method, args, from) => handle({ method, args, from } satisfies RpcRequest) });
  const actual = await app.listen(host, port);
  const a = app;
  return {
    url: urlOf(host, actual),
    pids: [process.pid],
    workers: 1,
    stats: async () => [
      { id: ctx.identity.id, pid: process.pid, current: ctx.stats.socketio + ctx.stats.ws, total: ctx.stats.total, messages: ctx.stats.messages },
    ],
    stop: () => a.close(),
  };
}

/**
 * The SocketStream 0.2 split over ZeroMQ: F frontend processes own the Socket.IO connections,
 * B backend processes run the RPC handlers, and one router process binds fixed ports and brokers
 * between them (ROUTER/DEALER for requests and replies, PUB/SUB for broadcasts). This process is
 * the manager: it restarts the router if it dies, and it stands in for the external load balancer
 * SocketStream needed, dealing incoming TCP connections to the frontends round-robin.
 */
export const routerTopology: Topology = {
  name: 'router',
  summary: 'SocketStream-style frontends and backend workers brokered by one router over ZeroMQ',
  check(spec) {
    const { frontends, backends } = parseRouterSpec(spec);
    const problems: string[] = [];
    if (!(frontends >= 1 && frontends <= 32 && backends >= 1 && backends <= 64))
      problems.push(`expected router, router:single or router:FxB with F 1..32 and B 1..64 (got ${spec.raw})`);
    if (spec.params.length > 1) problems.push('expected router:FxB or router:single');
    return problems;
  },
  optionalPackages: (spec) => (parseRouterSpec(spec).single ? [] : ['zeromq']),
  async start(opts) {
    const { single, frontends, backends } = parseRouterSpec(opts.spec);
    if (single) return startSingle(opts);
    const { host, port, pushRate, spec } = opts;
    // the router binds any free ports on its first start and reports them; restarts bind the same
    const ports = { fePort: 0, bePort: 0, pubPort: 0 };
    const children: Array<Child<{ type: string; port?: number }>> = [];
    let stopping = false;
    let restarts = 0;
    let backendRespawns = 0;
    const brokerUrl = new URL('../router/broker.ts', import.meta.url);
    const backendUrl = new URL('../router/backend.ts', import.meta.url);
    /** A child the manager restarts when it dies (the router, the backends), with its readiness. */
    const supervise = (start: () => Child<{ type: string }>, onRestart: () => void): { now: () => Child<{ type: string }>; ready: () => boolean } => {
      let child = start();
      let ready = false;
      const watch = (c: Child<{ type: string }>): void => {
        c.ready.then(
          () => {
            if (child === c) ready = true;
          },
          () => {},
        );
        c.proc.once('exit', () => {
          if (stopping) return;
          onRestart();
          ready = false;
          child = start();
          watch(child);
        });
      };
      watch(child);
      return { now: () => child, ready: () => ready };
    };
    const slotOf = (sv: { now: () => Child<{ type: string }>; ready: () => boolean }): FaultSlot => ({
      pid: () => (sv.now().proc.exitCode === null && sv.now().proc.signalCode === null ? (sv.now().proc.pid ?? null) : null),
      readyPid: () => (sv.ready() ? (sv.now().proc.pid ?? null) : null),
      supervised: true,
    });
    const brokerSv = supervise(
      () => startChild<{ type: string; ports?: typeof ports }>(brokerUrl, { ...ports }),
      () => restarts++,
    );
    const backendSvs: Array<ReturnType<typeof supervise>> = [];
    const stopAll = async (): Promise<void> => {
      stopping = true;
      await Promise.all([brokerSv.now().stop(), ...backendSvs.map((b) => b.now().stop()), ...children.map((c) => c.stop())]);
    };
    try {
      const first = (await brokerSv.now().ready) as { ports?: typeof ports };
      if (!first.ports?.fePort || !first.ports.bePort || !first.ports.pubPort) throw new Error(`the router reported no ports (${JSON.stringify(first)})`);
      Object.assign(ports, first.ports);
      const { fePort, bePort, pubPort } = ports;
      for (let index = 0; index < backends; index++)
        backendSvs.push(
          supervise(
            () => startChild(backendUrl, { index, bePort }),
            () => backendRespawns++,
          ),
        );
      await Promise.all(backendSvs.map((b) => b.now().ready));
      const fes = Array.from({ length: frontends }, (_, index) =>
        startChild<{ type: string; port: number }>(new URL('../router/frontend.ts', import.meta.url), {
          topology: spec.raw,
          index,
          pushRate,
          host,
          fePort,
          pubPort,
          rpcTimeoutMs: RPC_TIMEOUT_MS,
        }),
      );
      children.push(...fes);
      await Promise.all(children.map((c) => c.ready));
      const fePorts = await Promise.all(fes.map(async (f) => (await f.ready).port));
      const feSlots: FaultSlot[] = fes.map((f) => ({
        pid: () => (f.proc.exitCode === null && f.proc.signalCode === null ? (f.proc.pid ?? null) : null),
        readyPid: () => null,
        supervised: false,
      }));
      let next = 0;
      const door = net.createServer((client) => {
        const upstream = net.connect({ host, port: fePorts[next++ % fePorts.length]! });
        client.pipe(upstream).pipe(client);
        const close = (): void => {
          client.destroy();
          upstream.destroy();
        };
        client.once('error', close);
        upstream.once('error', close);
        client.once('close', close);
        upstream.once('close', close);
      });
      await new Promise<void>((resolve, reject) => {
        door.once('error', reject);
        door.listen(port, host, () => resolve());
      });
      const stats = (): Promise<WorkerStats[]> =>
        Promise.all(
          fes.map(
            (f) =>
              new Promise<WorkerStats | null>((resolve) => {
                const t = setTimeout(() => resolve(null), 2000);
                f.proc.once('message', (m: { type?: string; stats?: WorkerStats }) => {
                  clearTimeout(t);
                  resolve(m.type === 'stats' ? m.stats! : null);
                });
                f.proc.send({ type: 'stats' });
              }),
          ),
        ).then((l) => l.filter((s): s is WorkerStats => s !== null));
      return {
        url: urlOf(host, (door.address() as net.AddressInfo).port),
        get pids() {
          return [process.pid, brokerSv.now().proc.pid!, ...backendSvs.map((b) => b.now().proc.pid!), ...children.map((c) => c.proc.pid!)];
        },
        workers: frontends,
        stats,
        counters: async () => ({ routerRestarts: restarts, backendRespawns, backends }),
        faultTargets: () => ({
          router: [slotOf(brokerSv)],
          backend: backendSvs.map(slotOf),
          // frontends are not restarted: their clients reconnect through the door to the others
          frontend: feSlots,
          // the frontends are this topology's workers: they own the client connections
          worker: feSlots,
        }),
        async stop() {
          await new Promise<void>((resolve) => door.close(() => resolve()));
          await stopAll();
        },
      };
    } catch (e) {
      await stopAll();
      throw e;
    }
  },
};
