import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';
import { handleAdmin } from './admin.ts';
import type { AppContext } from './context.ts';
import { attachSocketIoApp, type AppDelegate } from './socketio-app.ts';
import { createWsApp } from './ws-app.ts';

/** One reference-app server: HTTP (admin), socket.io on /socket.io, raw ws on /ws. */
export interface AppServer {
  http: http.Server;
  io: Server;
  ctx: AppContext;
  /** Listen on host:port (0 = free port); resolves with the port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

/** Build the reference app server. `io` options (e.g. an adapter) may be added by topologies. */
export function createAppServer(ctx: AppContext, ioOptions: Partial<ServerOptions> = {}, delegate?: AppDelegate): AppServer {
  const wsApp = createWsApp(ctx);
  let io: Server | null = null;
  const roomCount = (): number => {
    const a = io?.of('/').adapter;
    return a ? Math.max(0, a.rooms.size - a.sids.size) : 0;
  };
  const server = http.createServer((req, res) => {
    if (handleAdmin(ctx, roomCount, req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('rtbench reference server: socket.io on /socket.io, WebSocket on /ws, admin on /__rtbench/\n');
  });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] === '/ws') wsApp.handleUpgrade(req, socket, head);
  });
  io = new Server(server, { maxHttpBufferSize: 1e6, destroyUpgrade: false, ...ioOptions });
  attachSocketIoApp(io, ctx, delegate);
  return {
    http: server,
    io,
    ctx,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      wsApp.close();
      io!.disconnectSockets(true);
      await new Promise<void>((resolve) => io!.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** `http://host:port`, with brackets for IPv6. */
export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
