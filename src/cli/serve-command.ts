import net from 'node:net';
import { serve } from '../../reference-server/index.ts';
import { ExitCode, InputError } from '../shared/errors.ts';
import type { CliIO } from './io.ts';

/** `--port` as typed: a whole number from 0 to 65535, or an E_PORT error that shows what was typed. */
export function parsePort(raw: string | number): number | InputError {
  const port = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  return new InputError('E_PORT', `\`--port ${String(raw)}\` is not a TCP port`, { hint: 'use a whole number from 1 to 65535, or 0 for any free port' });
}

/**
 * Why `host:port` cannot be listened on (in use, not permitted, a host that is not this machine's or
 * does not resolve), as an E_PORT error; null when it can. Port 0 is probed too (for the host).
 */
export function portProblem(host: string, port: number): Promise<InputError | null> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EAI_NONAME' || e.code === 'EADDRNOTAVAIL') {
        const why = e.code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : 'does not resolve to an address';
        resolve(
          new InputError('E_PORT', `\`--host ${host}\` ${why}: nothing can listen there`, {
            hint: 'bind an address of this machine: 127.0.0.1 (the default), ::1, 0.0.0.0 (every interface) or one of its own addresses',
          }),
        );
        return;
      }
      const why =
        e.code === 'EADDRINUSE'
          ? 'is in use by another process'
          : e.code === 'EACCES'
            ? 'needs privileges to be bound (ports below 1024)'
            : `cannot be bound (${e.code ?? e.message})`;
      resolve(
        new InputError('E_PORT', `port ${port} on ${host} ${why}`, {
          hint: `pick another \`--port\` (0 = any free port)${e.code === 'EADDRINUSE' ? ', or stop what holds it' : ''}`,
        }),
      );
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** `rtbench serve`: the reference server in this process until SIGINT/SIGTERM. */
export async function serveCommand(
  o: { topology: string; port: string | number; host: string; pushRate: number; delayMs: number; serviceMs?: number; maxConnectionsPerWorker?: number },
  io: CliIO,
): Promise<number> {
  const port = parsePort(o.port);
  if (port instanceof InputError) throw port;
  const problem = await portProblem(o.host, port);
  if (problem) throw problem;
  const server = await serve({ ...o, port, log: (line) => io.stdout.write(`${line}\n`) });
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
