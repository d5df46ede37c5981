/**
 * The session of bench/artillery.ts as a plain socket.io-client script: what a user would write
 * instead of a load tool (no harness, no histograms, no TypeScript loader). The yardstick of the
 * CPU goal "rtbench's default engine costs at most 1.25× a plain socket.io-client script doing the
 * same sessions, start-up included" (issue 19).
 *
 *   node bench/artillery/socketio-alone.mjs <target url>
 *   RTBENCH_BENCH_RATE (default 100), RTBENCH_BENCH_SECONDS (default 30)
 *
 * Open model at the same rate as the other tools. Prints one JSON line at the end: sessions
 * completed and failed, errors, ack p99 (of every 10th session).
 */
import { io } from 'socket.io-client';

const target = process.argv[2];
if (!target) throw new Error('usage: socketio-alone.mjs <target url>');
const rate = Number(process.env.RTBENCH_BENCH_RATE ?? 100);
const seconds = Number(process.env.RTBENCH_BENCH_SECONDS ?? 30);
const ECHOES = 10;
const TIMEOUT_MS = 10_000;

let completed = 0;
let failed = 0;
const errors = {};
const acks = [];

async function session(id) {
  const s = io(target, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: TIMEOUT_MS });
  try {
    await new Promise((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    for (let i = 0; i < ECHOES; i++) {
      const text = `hello ${id} ${i}`;
      const sent = performance.now();
      const reply = await s.timeout(TIMEOUT_MS).emitWithAck('echo', text);
      if (id % 10 === 0) acks.push(performance.now() - sent);
      if (reply !== text) throw new Error(`echo answered ${JSON.stringify(reply)}`);
    }
    completed++;
  } catch (e) {
    failed++;
    const kind = e?.message ?? 'error';
    errors[kind] = (errors[kind] ?? 0) + 1;
  } finally {
    s.disconnect();
  }
}

const t0 = performance.now();
const running = [];
for (let k = 0; k < rate * seconds; k++) {
  const wait = t0 + (k * 1000) / rate - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  running.push(session(k));
}
await Promise.all(running);
acks.sort((a, b) => a - b);
const p99 = acks.length ? acks[Math.min(acks.length - 1, Math.ceil(acks.length * 0.99) - 1)] : null;
process.stdout.write(`${JSON.stringify({ completed, failed, errors, ackP99Ms: p99 === null ? null : Math.round(p99 * 10) / 10 })}\n`);
setTimeout(() => process.exit(0), 1500).unref();
