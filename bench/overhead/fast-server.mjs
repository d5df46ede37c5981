/**
 * The fastest server this benchmark can put in front of a client, in its own process: so what a
 * client adds to a round trip is not diluted by the server's own work.
 *
 *   node bench/overhead/fast-server.mjs socket.io   plain socket.io Server, WebSocket only, `echo` acked with its argument
 *   node bench/overhead/fast-server.mjs ws          plain `ws` server: every message sent straight back
 *
 * Listens on 127.0.0.1, an ephemeral port; prints `{"port":N}` once listening; exits when its parent goes.
 * Plain JavaScript (no TypeScript loader): its start-up and CPU are the server's, nothing else's.
 */
import http from 'node:http';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

const kind = process.argv[2] ?? 'socket.io';
const httpServer = http.createServer();
if (kind === 'socket.io') {
  const io = new Server(httpServer, { transports: ['websocket'], serveClient: false });
  io.on('connection', (socket) => {
    socket.on('echo', (x, ack) => typeof ack === 'function' && ack(x));
  });
} else if (kind === 'ws') {
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
} else {
  process.stderr.write(`fast-server: unknown kind ${kind} (socket.io or ws)\n`);
  process.exit(2);
}
httpServer.listen(0, '127.0.0.1', () => {
  const addr = httpServer.address();
  process.stdout.write(`${JSON.stringify({ port: addr && typeof addr === 'object' ? addr.port : 0 })}\n`);
});
// the benchmark that started this process is gone: stop too
setInterval(() => process.ppid === 1 && process.exit(1), 1000).unref();
process.on('SIGTERM', () => process.exit(0));
