import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { RunError } from '../../src/shared/errors.ts';
import { supervisedSlot, type FaultSlot } from '../faults.ts';
import { freePort } from '../infra/free-port.ts';
import type { StateServer } from './state.ts';

/** The scc-broker processes of a `socketcluster` topology. */
export interface Brokers {
  pids(): number[];
  /** How many times a broker was started again after dying. */
  restarts(): number;
  faultSlots(): FaultSlot[];
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  ready: boolean;
}

/**
 * Start `count` real `scc-broker` servers (the published package's own server.js, one process
 * each) on free loopback ports, joined to `state`. A broker that dies is started again on the
 * same port, as SCC's orchestrator would, so workers' subscriptions move back to it when the
 * state server announces it; it counts as ready once it has joined again.
 */
export async function startBrokers(count: number, state: StateServer, host = '127.0.0.1'): Promise<Brokers> {
  const entry = createRequire(import.meta.url).resolve('scc-broker/server.js');
  let stopping = false;
  let restarts = 0;
  const slots: Running[] = [];
  const launch = (port: number): Running => {
    const child = spawn(process.execPath, [entry], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        SCC_STATE_SERVER_HOST: host,
        SCC_STATE_SERVER_PORT: String(state.port),
        SCC_BROKER_SERVER_PORT: String(port),
        SCC_INSTANCE_IP: host,
        SCC_BROKER_SERVER_LOG_LEVEL: '1',
        SCC_BROKER_SERVER_RETRY_DELAY: '300',
      },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const r: Running = { child, exited, ready: false };
    void state.waitForBroker(`ws://${host}:${port}`, 30_000).then(
      () => void (r.ready = child.exitCode === null && child.signalCode === null),
      () => {},
    );
    return r;
  };
  const supervise = (index: number, port: number): void => {
    void slots[index]!.exited.then(async () => {
      if (stopping) return;
      restarts++;
      await new Promise((r) => setTimeout(r, 100)); // the port may be in TIME_WAIT for a moment
      if (stopping) return;
      slots[index] = launch(port);
      supervise(index, port);
    });
  };
  const ports = await Promise.all(Array.from({ length: count }, () => freePort(host)));
  ports.forEach((port, i) => {
    slots[i] = launch(port);
    supervise(i, port);
  });
  try {
    await Promise.all(ports.map((port) => state.waitForBroker(`ws://${host}:${port}`, 30_000)));
  } catch (e) {
    stopping = true;
    for (const s of slots) s.child.kill('SIGKILL');
    throw new RunError('E_SERVER_START', `scc-broker did not start: ${(e as Error).message}`, {
      hint: 'check that the scc-broker package is installed (npm install)',
    });
  }
  const alive = (s: Running): boolean => s.child.exitCode === null && s.child.signalCode === null;
  return {
    pids: () => slots.flatMap((s) => (alive(s) && s.child.pid ? [s.child.pid] : [])),
    restarts: () => restarts,
    faultSlots: () => slots.map((_, i) => supervisedSlot(() => ({ pid: alive(slots[i]!) ? (slots[i]!.child.pid ?? null) : null, ready: slots[i]!.ready }))),
    async stop() {
      stopping = true;
      await Promise.all(
        slots.map(async (s) => {
          if (!alive(s)) return;
          s.child.kill('SIGCONT'); // in case a fault left it stopped
          s.child.kill('SIGTERM');
          const t = setTimeout(() => s.child.kill('SIGKILL'), 3000);
          await s.exited;
          clearTimeout(t);
        }),
      );
    },
  };
}
