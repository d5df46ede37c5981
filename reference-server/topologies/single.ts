import { createContext } from '../app/context.ts';
import { createAppServer, urlOf } from '../app/server.ts';
import type { Topology, WorkerStats } from './types.ts';

/** One process: socket.io + ws flavour, worker `single#0`. */
export const single: Topology = {
  name: 'single',
  summary: 'one Node process serving socket.io and raw ws',
  check: (spec) => (spec.params.length ? [`\`single\` takes no parameters (got ${spec.raw})`] : []),
  async start({ host, port, pushRate, spec, delayMs = 0, serviceMs = 0 }) {
    const ctx = createContext(spec.raw, 0, pushRate);
    ctx.delayMs = delayMs;
    ctx.serviceMs = serviceMs;
    const app = createAppServer(ctx);
    const actual = await app.listen(host, port);
    const stats = async (): Promise<WorkerStats[]> => {
      const { identity, stats: s } = app.ctx;
      return [{ id: identity.id, pid: identity.pid, current: s.socketio + s.ws, total: s.total, messages: s.messages }];
    };
    return { url: urlOf(host, actual), pids: [process.pid], workers: 1, stats, stop: () => app.close() };
  },
};
