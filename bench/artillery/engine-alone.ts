/**
 * The session of bench/artillery.ts on the socket.io-lean engine ALONE, without rtbench around it:
 * no coordinator, no generator process, no session client, no histograms. It is the floor the
 * harness stands on; rtbench's figure minus this one is what the harness itself costs per session.
 *
 *   node --import tsx bench/artillery/engine-alone.ts <target url>
 *   RTBENCH_BENCH_RATE (default 100), RTBENCH_BENCH_SECONDS (default 30)
 *
 * Open model at the same rate as the other tools (arrivals on a fixed schedule, not waiting for
 * each other). Prints one JSON line at the end: sessions completed and failed, errors, ack p99.
 */
import { EngineMemo } from '../../src/clients/memo.ts';
import { LeanSocketIoTransport } from '../../src/clients/socketio-lean.ts';

const target = process.argv[2];
if (!target) throw new Error('usage: engine-alone.ts <target url>');
const rate = Number(process.env.RTBENCH_BENCH_RATE ?? 100);
const seconds = Number(process.env.RTBENCH_BENCH_SECONDS ?? 30);
const ECHOES = 10;
const TIMEOUT_MS = 10_000;

let completed = 0;
let failed = 0;
const errors: Record<string, number> = {};
const acks: number[] = [];
const memo = new EngineMemo();

async function session(id: number): Promise<void> {
  const t = new LeanSocketIoTransport({
    target: target!,
    path: '/socket.io',
    localAddress: '127.0.0.1',
    transports: ['websocket'],
    reconnect: null,
    connectTimeoutMs: TIMEOUT_MS,
    memo,
  });
  try {
    await t.connect(TIMEOUT_MS);
    for (let i = 0; i < ECHOES; i++) {
      const text = `hello ${id} ${i}`;
      const sent = performance.now();
      const reply = await t.emitWithAck('echo', [text], TIMEOUT_MS);
      if (id % 10 === 0) acks.push(performance.now() - sent); // a sample is enough for a p99 here
      if (reply[0] !== text) throw new Error(`echo answered ${JSON.stringify(reply[0])}`);
    }
    completed++;
  } catch (e) {
    failed++;
    const kind = (e as { kind?: string }).kind ?? 'error';
    errors[kind] = (errors[kind] ?? 0) + 1;
  } finally {
    t.close();
  }
}

const t0 = performance.now();
const running: Array<Promise<void>> = [];
for (let k = 0; k < rate * seconds; k++) {
  const wait = t0 + (k * 1000) / rate - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  running.push(session(k));
}
await Promise.all(running);
acks.sort((a, b) => a - b);
const p99 = acks.length ? acks[Math.min(acks.length - 1, Math.ceil(acks.length * 0.99) - 1)]! : null;
process.stdout.write(`${JSON.stringify({ completed, failed, errors, ackP99Ms: p99 === null ? null : Math.round(p99 * 10) / 10 })}\n`);
// let the close handshakes finish before exiting, as a load tool's shutdown would
setTimeout(() => process.exit(0), 1500).unref();
