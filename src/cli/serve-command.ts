import net from 'node:net';
import { serve } from '../../reference-server/index.ts';
import { ExitCode, InputError } from '../shared/errors.ts';
import type { CliIO } from './io.ts';

/** Why `host:port` cannot be listened on (in use, not permitted, no such address), as an E_PORT error; null when it can. */
export function portProblem(host: string, port: number): Promise<InputError | null> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return Promise.resolve(new InputError('E_PORT', `\`--port ${port}\` is not a TCP port`, { hint: 'use a whole number from 1 to 65535, or 0 for any free port' }));
  }
  if (port === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'EADDRINUSE' ? 'is in use by another process' : e.code === 'EACCES' ? 'needs privileges to be bound (ports below 1024)' : e.code === 'EADDRNOTAVAIL' ? `cannot be bound: ${host} is not an address of this machine` : `cannot be bound (${e.code ?? e.message})`;
      resolve(new InputError('E_PORT', `port ${port} on ${host} ${why}`, { hint: `pick another \`--port\` (0 = any free port)${e.code === 'EADDRNOTAVAIL' ? ' or another `--host`' : ', or stop what holds it'}` }));
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** `rtbench serve`: the reference server in this process until SIGINT/SIGTERM. */
export async function serveCommand(o: { topology: string; port: number; host: string; pushRate: number; delayMs: number; serviceMs?: number; maxConnectionsPerWorker?: number }, io: CliIO): Promise<number> {
  const problem = await portProblem(o.host, o.port);
  if (problem) throw problem;
  const server = await serve({ ...o, log: (line) => io.stdout.write(`${line}\n`) });
  await new Promise<void>((resolve) => {
    const off = io.onSignal(() => {
      off();
      resolve();
    });
  });
  // never hang on the way out: a topology that cannot stop in 10 s is left to the OS
  const force = setTimeout(() => process.exit(ExitCode.runFailed), 10_000);
  force.unref();
  await server.stop();
  clearTimeout(force);
  return ExitCode.ok;
}
