/**
 * One single-process node behind HAProxy (the `lb` topology): the reference app as worker
 * `lb#<index>` on a free loopback port. argv[2]: JSON { topology, index, pushRate, host }.
 */
import { createContext } from '../app/context.ts';
import { createAppServer } from '../app/server.ts';

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as { topology: string; index: number; pushRate: number; host: string };
  const app = createAppServer(createContext(a.topology, a.index, a.pushRate, 'lb'), { cookie: false });
  const port = await app.listen(a.host, 0);
  const bye = (): void => {
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', bye);
  process.on('disconnect', bye);
  process.send?.({ type: 'ready', port });
}

void main();
