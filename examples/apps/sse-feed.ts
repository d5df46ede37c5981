/**
 * A Server-Sent Events app, to load-test as your own server:
 *
 * - `GET /events`: a live feed. Every `tickMs` the feed numbers one `tick` event
 *   (`id: <seq>`, `data: {"seq":n,"sentAt":<Date.now()>}`) and writes it to every open stream. It
 *   sends `retry: <retryMs>` first, closes each stream after `closeAfterMs` (as proxies and
 *   serverless platforms do), and honours `Last-Event-ID`: a reconnecting client first gets the
 *   ticks it missed (kept for the last 10,000), so nothing is lost across a reconnection.
 * - `POST /v1/chat`: a token stream, as model APIs answer. Body `{ "prompt": "…", "tokens": n }`
 *   (default 20): n `token` events (`data: {"i":k,"token":"…"}`) one every `tokenMs`, then
 *   `event: done` (`data: {"tokens":n}`), then the response ends. `Authorization: Bearer <anything>`
 *   is required (else HTTP 401). To see rtbench count failures: `{ "fail": 503 }` answers that
 *   status; `{ "cut": k }` breaks the connection after k tokens.
 * - its own counters, at `GET /counters` and as `app.counters`, to compare with rtbench's.
 *
 * Run it: `node --import tsx examples/apps/sse-feed.ts [--port 4150]`, then
 * `npx rtbench run examples/sse-feed.ts --target http://127.0.0.1:4150`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** What the app counted itself. */
export interface SseCounters {
  /** `GET /events` streams opened. */
  streams: number;
  /** …of which sent a `Last-Event-ID` (resumed), and those that did not (fresh). */
  resumed: number;
  fresh: number;
  /** Streams the app closed itself after `closeAfterMs`. */
  closedByServer: number;
  /** Ticks written to streams, live and replayed. */
  ticksSent: number;
  /** Ticks written as replay (missed while the client was away). */
  replayed: number;
  /** Token streams asked for, completed (ended after `done`), and their tokens. */
  chats: number;
  completions: number;
  tokensSent: number;
  /** Token streams refused (401, `fail`) and cut (`cut`). */
  refused: number;
  cut: number;
}

export interface SseApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  counters: SseCounters;
  /** The number of the latest tick (0 before the first). */
  readonly seq: number;
  close(): Promise<void>;
}

export interface SseAppOptions {
  port?: number;
  host?: string;
  /** A tick every … ms (default 100). */
  tickMs?: number;
  /** The `retry:` sent to clients (default 500 ms). */
  retryMs?: number;
  /** Close each feed stream after … ms (default 0: never). */
  closeAfterMs?: number;
  /** A token every … ms (default 20). */
  tokenMs?: number;
}

const KEEP = 10_000;

/** Start the app on `port` (0: any free port), bound to `host` (default 127.0.0.1). */
export async function startSseApp(opts: SseAppOptions = {}): Promise<SseApp> {
  const counters: SseCounters = {
    streams: 0,
    resumed: 0,
    fresh: 0,
    closedByServer: 0,
    ticksSent: 0,
    replayed: 0,
    chats: 0,
    completions: 0,
    tokensSent: 0,
    refused: 0,
    cut: 0,
  };
  const tickMs = opts.tickMs ?? 100;
  const streams = new Set<http.ServerResponse>();
  const history: string[] = []; // the last KEEP ticks, as written
  let seq = 0;
  const ticker = setInterval(() => {
    seq++;
    const frame = `id: ${seq}\nevent: tick\ndata: ${JSON.stringify({ seq, sentAt: Date.now() })}\n\n`;
    history.push(frame);
    if (history.length > KEEP) history.shift();
    for (const res of streams) {
      res.write(frame);
      counters.ticksSent++;
    }
  }, tickMs);

  const feed = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    counters.streams++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`retry: ${opts.retryMs ?? 500}\n\n`);
    const last = req.headers['last-event-id'];
    if (typeof last === 'string' && /^\d+$/.test(last)) {
      counters.resumed++;
      const from = Number(last);
      const first = seq - history.length + 1; // the seq of history[0]
      for (let s = Math.max(from + 1, first); s <= seq; s++) {
        res.write(history[s - first]!);
        counters.ticksSent++;
        counters.replayed++;
      }
    } else counters.fresh++;
    streams.add(res);
    const closer = opts.closeAfterMs
      ? setTimeout(() => {
          counters.closedByServer++;
          streams.delete(res);
          res.end();
        }, opts.closeAfterMs)
      : null;
    res.on('close', () => {
      if (closer) clearTimeout(closer);
      streams.delete(res);
    });
  };

  const chat = (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    counters.chats++;
    let q: { tokens?: unknown; fail?: unknown; cut?: unknown } = {};
    try {
      q = JSON.parse(body || '{}') as typeof q;
    } catch {
      counters.refused++;
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body must be JSON"}');
      return;
    }
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ''))) {
      counters.refused++;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"missing bearer token"}');
      return;
    }
    if (typeof q.fail === 'number') {
      counters.refused++;
      res.writeHead(q.fail, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
      return;
    }
    const n = Math.min(10_000, Math.max(0, Number(q.tokens ?? 20) || 0));
    const cut = typeof q.cut === 'number' ? q.cut : -1;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (i === cut) {
        counters.cut++;
        res.socket?.destroy(); // the connection breaks mid-stream
        return;
      }
      if (i < n) {
        res.write(`event: token\ndata: ${JSON.stringify({ i, token: `tok${i}` })}\n\n`);
        counters.tokensSent++;
        i++;
        setTimeout(next, opts.tokenMs ?? 20);
        return;
      }
      res.end(`event: done\ndata: ${JSON.stringify({ tokens: n })}\n\n`);
      counters.completions++;
    };
    next();
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/events') return feed(req, res);
    if (req.method === 'POST' && path === '/v1/chat') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => void (body += d));
      req.on('end', () => chat(req, res, body));
      return;
    }
    if (path === '/counters') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counters));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counters,
    get seq() {
      return seq;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        for (const res of streams) res.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--port');
  const app = await startSseApp({ port: i > 0 ? Number(process.argv[i + 1]) : 4150, closeAfterMs: 5000 });
  console.log(`SSE app on ${app.url}: feed at GET /events (each stream closed after 5 s), token streams at POST /v1/chat (counters at ${app.url}/counters)`);
  process.on('SIGINT', () => void app.close().then(() => process.exit(0)));
}
