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
  io = new Server(server, { maxHttpBufferSize: MAX_MESSAGE_BYTES, destroyUpgrade: false, ...heartbeatFromEnv(), ...recoveryFromEnv(), ...ioOptions });
  attachSocketIoApp(io, ctx, delegate);
  return {
    http: server,
    io,
    ctx,
    listen: (host, port) => listenOn(server, host, port),
    async close() {
      wsApp.close();
      io!.disconnectSockets(true);
      await new Promise<void>((resolve) => io!.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** Largest message (HTTP body or WebSocket frame) a client may send: a hostile client cannot exhaust a worker with one message. */
export const MAX_MESSAGE_BYTES = 1_000_000;

/**
 * Engine.IO heartbeat, settable for fault scenarios (a paused worker is only noticed after
 * pingInterval + pingTimeout): RTBENCH_PING_INTERVAL_MS / RTBENCH_PING_TIMEOUT_MS, inherited by
 * every process of a topology. Default: socket.io's own (25 s / 20 s).
 */
export function heartbeatFromEnv(env: NodeJS.ProcessEnv = process.env): { pingInterval?: number; pingTimeout?: number } {
  const n = (v: string | undefined): number | undefined => (v && Number(v) > 0 ? Number(v) : undefined);
  const pingInterval = n(env.RTBENCH_PING_INTERVAL_MS);
  const pingTimeout = n(env.RTBENCH_PING_TIMEOUT_MS);
  return { ...(pingInterval ? { pingInterval } : {}), ...(pingTimeout ? { pingTimeout } : {}) };
}

/**
 * Socket.IO connection-state recovery (the scenario's `server.recovery`): RTBENCH_RECOVERY_MS, how
 * long a disconnected session's rooms and missed packets are kept. Off by default, as in socket.io.
 * Only the in-memory adapter (single, and each worker's own sockets) restores sessions.
 */
export function recoveryFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<Partial<ServerOptions>, 'connectionStateRecovery'> {
  const ms = Number(env.RTBENCH_RECOVERY_MS);
  return ms > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: ms, skipMiddlewares: true } } : {};
}

/** Listen on host:port (0 = a free port); resolves with the port. */
export function listenOn(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `http://host:port`, with brackets for IPv6. */
export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
