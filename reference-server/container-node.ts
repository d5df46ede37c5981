/**
 * One `lb` node in a container (`--runtime containers`): the reference app as worker
 * `lb#<index>` on a fixed port. argv[2]: JSON { topology, index, pushRate, host, port }.
 * Prints one ready line; stops on SIGTERM/SIGINT.
 */
import { createContext } from './app/context.ts';
import { createAppServer } from './app/server.ts';

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as { topology: string; index: number; pushRate: number; host: string; port: number };
  const app = createAppServer(createContext(a.topology, a.index, a.pushRate, 'lb'), { cookie: false });
  const port = await app.listen(a.host, a.port);
  console.log(`rtbench lb node ${a.index} (lb#${a.index}) on ${a.host}:${port}`);
  const bye = (): void => {
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}

void main();
