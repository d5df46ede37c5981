/**
 * A small JSON-RPC 2.0 server over a raw WebSocket, to load-test as your own server:
 *
 * - WebSocket at `/rpc`; the upgrade needs `?token=secret-…` and an `x-tenant` header, else it
 *   is answered `401 unauthorized`;
 * - requests (with an `id`) get a reply: `echo(params)` → params, `add([a, b])` → a + b,
 *   `subscribe({ topic, count, intervalMs })` → `{ subscribed }`, then `count` notifications
 *   `{ method: 'tick', params: { topic, seq, sentAt } }`; an unknown method → error -32601;
 * - notifications from the client (no `id`, e.g. `log`) are counted and never answered;
 * - its own counters, at `GET /counters` and as `app.counters`, to compare with rtbench's.
 * Batches are not supported (answered with error -32600).
 *
 * Run it: `node --import tsx examples/apps/jsonrpc.ts [--port 4130]`, then
 * `npx rtbench run examples/jsonrpc.ts --target ws://127.0.0.1:4130/rpc`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RpcCounters {
  connections: number;
  /** Upgrades refused (bad token or no x-tenant header). */
  refused: number;
  disconnects: number;
  /** Frames received. */
  frames: number;
  /** Requests (frames with an id). */
  requests: number;
  /** Replies sent (results and errors). */
  replies: number;
  /** Error replies among them. */
  errors: number;
  /** Notifications received from clients. */
  notificationsIn: number;
  /** Notifications sent to clients (`tick`). */
  notificationsOut: number;
}

export interface RpcApp {
  /** `ws://127.0.0.1:<port>/rpc` */
  url: string;
  port: number;
  counters: RpcCounters;
  close(): Promise<void>;
}

interface Rpc {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

/** Start the app on `port` (0: any free port), bound to `host` (default 127.0.0.1). */
export async function startRpcApp(opts: { port?: number; host?: string } = {}): Promise<RpcApp> {
  const counters: RpcCounters = {
    connections: 0,
    refused: 0,
    disconnects: 0,
    frames: 0,
    requests: 0,
    replies: 0,
    errors: 0,
    notificationsIn: 0,
    notificationsOut: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    if (req.url === '/counters') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(counters));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1_000_000 });
  server.on('upgrade', (req, socket, head) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname !== '/rpc') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 9\r\n\r\nnot found');
      return;
    }
    const token = u.searchParams.get('token');
    const tenant = req.headers['x-tenant'];
    if (!token?.startsWith('secret-') || typeof tenant !== 'string' || tenant === '') {
      counters.refused++;
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nunauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  const reply = (ws: WebSocket, id: unknown, body: { result: unknown } | { error: { code: number; message: string } }): void => {
    counters.replies++;
    if ('error' in body) counters.errors++;
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: id ?? null, ...body }));
  };

  const subscribe = (ws: WebSocket, p: { topic?: unknown; count?: unknown; intervalMs?: unknown }): { subscribed: string } => {
    const topic = typeof p.topic === 'string' ? p.topic : 'default';
    const count = Math.min(1000, Math.max(1, Number(p.count) || 1));
    const interval = Math.min(10_000, Math.max(1, Number(p.intervalMs) || 100));
    let seq = 0;
    const timer = setInterval(() => {
      if (ws.readyState !== ws.OPEN || seq >= count) {
        clearInterval(timer);
        timers.delete(timer);
        return;
      }
      counters.notificationsOut++;
      ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'tick', params: { topic, seq: ++seq, sentAt: Date.now() } }));
    }, interval);
    timers.add(timer);
    return { subscribed: topic };
  };

  wss.on('connection', (ws: WebSocket) => {
    counters.connections++;
    ws.on('close', () => counters.disconnects++);
    ws.on('message', (data) => {
      counters.frames++;
      let msg: Rpc;
      try {
        msg = JSON.parse(String(data)) as Rpc;
      } catch {
        return reply(ws, null, { error: { code: -32700, message: 'Parse error' } });
      }
      if (Array.isArray(msg)) return reply(ws, null, { error: { code: -32600, message: 'Invalid Request: batches are not supported' } });
      if (msg === null || typeof msg !== 'object' || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') {
        return reply(ws, msg?.id, { error: { code: -32600, message: 'Invalid Request' } });
      }
      if (msg.id === undefined) {
        counters.notificationsIn++;
        return;
      }
      counters.requests++;
      const params = msg.params;
      switch (msg.method) {
        case 'echo':
          return reply(ws, msg.id, { result: params ?? null });
        case 'add': {
          const [a, b] = Array.isArray(params) ? params : [];
          if (typeof a !== 'number' || typeof b !== 'number')
            return reply(ws, msg.id, { error: { code: -32602, message: 'Invalid params: add([a, b]) takes two numbers' } });
          return reply(ws, msg.id, { result: a + b });
        }
        case 'subscribe':
          return reply(ws, msg.id, { result: subscribe(ws, (params ?? {}) as Record<string, unknown>) });
        default:
          return reply(ws, msg.id, { error: { code: -32601, message: `Method not found: ${msg.method}` } });
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/rpc`,
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--port');
  const app = await startRpcApp({ port: i > 0 ? Number(process.argv[i + 1]) : 4130 });
  console.log(`JSON-RPC app on ${app.url} (needs ?token=secret-… and an x-tenant header; counters at http://127.0.0.1:${app.port}/counters)`);
  process.on('SIGINT', () => void app.close().then(() => process.exit(0)));
}
