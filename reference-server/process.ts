/**
 * Child-process entry of the embedded reference server. argv[2] is JSON `ServerArgs`; the messages
 * are typed in ipc.ts. Sends `{ type: 'ready', url, pids, workers }` over IPC;
 * answers `{ type: 'stats' | 'pids' | 'fault', id }`; stops on `{ type: 'stop' }`, SIGTERM/SIGINT, or
 * when the parent goes away.
 */
import { isRtbenchError } from '../src/shared/errors.ts';
import { getTopology, parseTopologySpec } from './topologies/index.ts';
import type { RunningTopology } from './topologies/types.ts';
import { FaultInjector } from './faults.ts';
import { toParent, type ServerArgs, type ToServer } from './ipc.ts';

/**
 * Every process of the topology running now: this one, those it started with, and whatever its
 * supervisors started since (a respawned worker, a restarted broker, router or Redis: each is in
 * a fault slot), so a "nothing left running" check after stop covers the replacements too.
 */
function livePids(running: RunningTopology | null): number[] {
  const pids = new Set<number>([process.pid, ...(running?.pids ?? [])]);
  for (const slots of Object.values(running?.faultTargets?.() ?? {})) {
    for (const slot of slots ?? []) {
      const pid = slot.pid();
      if (pid !== null) pids.add(pid);
    }
  }
  return [...pids].filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false; // a killed process that was replaced
    }
  });
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ServerArgs;
  let running: RunningTopology | null = null;
  let injector: FaultInjector | null = null;
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 4000);
    force.unref();
    injector?.resumeAll();
    await running?.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  process.on('message', (m: ToServer) => {
    if (m.type === 'stop') void stop();
    else if (m.type === 'fault') {
      const { id } = m;
      if (!injector) return toParent({ type: 'fault', id, error: 'the server is not running yet' });
      injector.apply(m.fault).then(
        (outcome) => toParent({ type: 'fault', id, outcome }),
        (e: Error) => toParent({ type: 'fault', id, error: e.message }),
      );
    } else if (m.type === 'pids') toParent({ type: 'pids', id: m.id, pids: livePids(running) });
    else if (m.type === 'stats') {
      const { id } = m;
      Promise.all([running?.stats?.() ?? [], running?.counters?.() ?? {}])
        .catch(() => [[], {}] as const)
        .then(([stats, counters]) => toParent({ type: 'stats', id, stats: [...stats], counters }));
    }
  });
  try {
    const spec = parseTopologySpec(args.topology);
    running = await getTopology(spec).start({
      host: args.host,
      port: args.port,
      pushRate: args.pushRate,
      delayMs: args.delayMs ?? 0,
      serviceMs: args.serviceMs ?? 0,
      ...(args.maxConnectionsPerWorker ? { maxConnectionsPerWorker: args.maxConnectionsPerWorker } : {}),
      spec,
    });
    if (stopping) return;
    const r = running;
    injector = new FaultInjector(args.topology, () => r.faultTargets?.() ?? {});
    toParent({ type: 'ready', url: running.url, pids: running.pids, workers: running.workers });
  } catch (e) {
    const code = isRtbenchError(e) ? e.code : 'E_SERVER_START';
    const message = isRtbenchError(e) ? e.message : e instanceof Error ? e.message : String(e);
    toParent({ type: 'error', code, message }, () => process.exit(1));
  }
}

void main();
