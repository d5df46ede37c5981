/**
 * The minimal client of bench/overhead.ts, in its own process: plain socket.io-client (ENGINE
 * `socket.io`, an acked `echo`) or plain `ws` (ENGINE `ws`: a text frame the server echoes), no
 * harness. CLIENTS sockets; client c starts at c·(1000/CLIENTS) ms after connecting (the same
 * spread as rtbench's arrivals over one second) and emits one acked `echo` every INTERVAL_MS,
 * COUNT times, on schedule whatever is outstanding (open loop). Each latency is ack time minus
 * scheduled send time, or minus the send time when the timer fired early: the rule rtbench times by. Prints one JSON line: the exact percentiles.
 *
 *   node --import tsx bench/overhead/minimal.ts URL CLIENTS INTERVAL_MS COUNT [T0] [ENGINE]
 *
 * T0 (the host's monotonic ms) starts the schedule there, as rtbench's side does; default: 100 ms
 * after the last connect.
 */
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const [url, clientsArg, intervalArg, countArg, t0Arg, engineArg] = process.argv.slice(2);
const ENGINE = engineArg ?? 'socket.io';
const CLIENTS = Number(clientsArg);
const INTERVAL_MS = Number(intervalArg);
const COUNT = Number(countArg);
const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

// the benchmark that started this process is gone (stopped, killed): stop too
setInterval(() => process.ppid === 1 && process.exit(1), 1000).unref();

/** One connected client: `send(k, done)` sends echo number k; `done(err)` runs on its reply (or timeout). */
interface Conn {
  send(k: number, done: (err: Error | null) => void): void;
  close(): void;
}

function connectSocketIo(): Promise<Conn> {
  const s = io(url!, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    s.once('connect', () =>
      resolve({ send: (k, done) => void s.timeout(10_000).emit('echo', k, (err: Error | null) => done(err)), close: () => void s.disconnect() }),
    );
    s.once('connect_error', (e) => reject(e));
  });
}

/** Plain `ws`: frame `c:k` out, the same frame back; replies matched by their text (a Map, as any client would). */
function connectWs(c: number): Promise<Conn> {
  const ws = new WebSocket(url!.replace(/^http/, 'ws'), { perMessageDeflate: false });
  const waiting = new Map<string, (err: Error | null) => void>();
  ws.on('message', (data) => {
    const key = String(data);
    const done = waiting.get(key);
    if (done) {
      waiting.delete(key);
      done(null);
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        send: (k, done) => {
          const key = `${c}:${k}`;
          waiting.set(key, done);
          ws.send(key);
        },
        close: () => ws.close(),
      }),
    );
    ws.once('error', (e) => reject(e));
  });
}

async function main(): Promise<void> {
  const sockets: Conn[] = [];
  for (let c = 0; c < CLIENTS; c++) sockets.push(await (ENGINE === 'ws' ? connectWs(c) : connectSocketIo()));
  const lat: number[] = [];
  let timeouts = 0;
  const t0 = t0Arg ? Number(t0Arg) : monoMs() + 100;
  if (t0 < monoMs()) throw new Error(`connected ${(monoMs() - t0).toFixed(0)} ms after the schedule's start: raise RTBENCH_OH_LEAD_MS`);
  const cpu0 = process.cpuUsage();
  await Promise.all(
    sockets.map(
      (sock, c) =>
        new Promise<void>((resolve) => {
          let k = 0;
          let outstanding = 0;
          const at = (): number => t0 + (c * 1000) / CLIENTS + k * INTERVAL_MS;
          const step = (): void => {
            // rtbench's rule (src/clients/session-client.ts, reference()): from the scheduled time
            // when the timer fired late, from now when it fired early. A Node timer can fire up to
            // about 1 ms before its time on the hrtime clock (libuv's loop time is cached, in whole
            // ms): timing those from the later scheduled time would shorten their round trips.
            const scheduled = Math.min(at(), monoMs());
            outstanding++;
            sock.send(k, (err) => {
              if (err) timeouts++;
              else lat.push(monoMs() - scheduled);
              if (--outstanding === 0 && k >= COUNT) resolve();
            });
            if (++k < COUNT) setTimeout(step, Math.max(0, at() - monoMs()));
          };
          setTimeout(step, Math.max(0, at() - monoMs()));
        }),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  for (const s of sockets) s.close();
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.max(0, Math.ceil(p * lat.length) - 1))]!;
  process.stdout.write(
    `${JSON.stringify({ count: lat.length, timeouts, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: lat.at(-1) ?? null, cpuUsPerAck: (cpu.user + cpu.system) / Math.max(1, lat.length) })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`minimal client: ${String(e)}\n`);
  process.exit(1);
});
