import { serve } from '../../reference-server/index.ts';
import { ExitCode } from '../shared/errors.ts';
import type { CliIO } from './io.ts';

/** `rtbench serve`: the reference server in this process until SIGINT/SIGTERM. */
export async function serveCommand(o: { topology: string; port: number; host: string; pushRate: number; delayMs: number; serviceMs?: number; maxConnectionsPerWorker?: number }, io: CliIO): Promise<number> {
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
