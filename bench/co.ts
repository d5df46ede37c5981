/**
 * Coordinated-omission accuracy: does rtbench's reported ack p99 match the true p99 when the server
 * stalls?
 *
 * Against the reference server (`single`, its own process), two sets of clients follow ONE open
 * schedule on the host's monotonic clock: RTBENCH_CO_CLIENTS clients each send one acked `echo`
 * every RTBENCH_CO_INTERVAL_MS for RTBENCH_CO_SECONDS, echo k of every client at T0 + k·interval.
 *
 *  - rtbench's clients (bench/co/scenario.ts, run with `run()`, one generator process), written as a
 *    user would: `every(interval)` + `await emitWithAck`. `every` is an open loop: during a stall
 *    each client keeps sending on schedule while earlier echoes wait; rtbench times each echo
 *    from its scheduled time.
 *  - The reference clients, in this process (raw socket.io-client): a true open loop that emits on
 *    schedule whatever is outstanding, and records for every scheduled send time s the exact
 *    latency (ack time − s). Every sample is kept; the true p99 is the exact order statistic.
 *
 * During the window the benchmark stalls the server twice (POST /__rtbench/stall?ms=RTBENCH_CO_STALL_MS,
 * a busy loop), at 25% and 65% of the window. A request scheduled during a stall is answered at the
 * stall's end plus service time, so about 2 × 1 s / 20 s = 10% of the requests are late by 0–1 s
 * and the p99 falls inside the stalls (~0.9 s). An analytic prediction from the stall windows and
 * the baseline latency is printed too, as a sanity check of the reference clients.
 *
 * Goal: rtbench's p99 within 10% of the true p99. Writes bench/results/co.json.
 *
 *   node --import tsx bench/co.ts
 *   RTBENCH_CO_CLIENTS=10 RTBENCH_CO_INTERVAL_MS=10 RTBENCH_CO_SECONDS=20 RTBENCH_CO_STALL_MS=1000
 *   RTBENCH_CO_ENGINES=socket.io,socket.io-lean (the defaults first; each engine is one measurement)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { run } from '../src/run/run.ts';
import type { Output } from '../src/run/reporter.ts';
import { startReferenceServer } from '../reference-server/start.ts';
import type { Dist } from './types.ts';
import { envInt, environment } from './env.ts';

const here = dirname(fileURLToPath(import.meta.url));

const CLIENTS = envInt('RTBENCH_CO_CLIENTS', 10, 1, 200);
const INTERVAL_MS = envInt('RTBENCH_CO_INTERVAL_MS', 10, 1, 1000);
const SECONDS = envInt('RTBENCH_CO_SECONDS', 20, 5, 300);
const STALL_MS = envInt('RTBENCH_CO_STALL_MS', 1000, 1, 10_000);
const LEAD_MS = envInt('RTBENCH_CO_LEAD_MS', 12_000, 2000, 60_000); // time for rtbench's generator to start and connect before T0
type Engine = 'socket.io' | 'socket.io-lean';
const ENGINES = (process.env.RTBENCH_CO_ENGINES ?? 'socket.io,socket.io-lean').split(',').map((e) => e.trim()) as Engine[];
for (const e of ENGINES)
  if (e !== 'socket.io' && e !== 'socket.io-lean') throw new Error(`RTBENCH_CO_ENGINES: unknown engine ${e} (socket.io, socket.io-lean)`);
const COUNT = Math.floor((SECONDS * 1000) / INTERVAL_MS);
const STALLS_AT = [0.25, 0.65]; // fractions of the window
const ACK_TIMEOUT_MS = 15_000;

const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;
const sleepUntil = (at: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, at - monoMs())));
const silent: Output = { write: () => {}, isTTY: false };

/** The exact p-quantile (nearest rank) of sorted values. */
const quantile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

/** One measurement: the reference clients and rtbench (`engine`) on one schedule, against a fresh server. */
async function measure(ENGINE: Engine) {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const server = await startReferenceServer({ topology: 'single' });
  const sockets: Socket[] = [];
  const out = mkdtempSync(join(os.tmpdir(), 'rtbench-co-'));
  try {
    // reference clients: connected before T0
    for (let c = 0; c < CLIENTS; c++) {
      const s = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', (e) => reject(e));
      });
      sockets.push(s);
    }
    const T0 = monoMs() + LEAD_MS;
    Object.assign(process.env, {
      RTBENCH_CO_CLIENTS: String(CLIENTS),
      RTBENCH_CO_INTERVAL_MS: String(INTERVAL_MS),
      RTBENCH_CO_COUNT: String(COUNT),
      RTBENCH_CO_T0: String(T0),
      RTBENCH_CO_ENGINE: ENGINE,
    });
    process.stderr.write(
      `server pid ${server.pid} on ${server.url}; ${CLIENTS} + ${CLIENTS} clients × one echo every ${INTERVAL_MS} ms × ${COUNT}, from T0 = now + ${LEAD_MS / 1000} s; stalls of ${STALL_MS} ms at ${STALLS_AT.map((f) => `${(f * SECONDS).toFixed(1)} s`).join(' and ')}\n`,
    );

    // rtbench, in this process (its generator is a child process); not awaited yet
    const rtbench = run(join(here, 'co', 'scenario.ts'), {
      target: server.url,
      generators: 1,
      quiet: true,
      out,
      stdout: silent,
      stderr: { write: (t) => void process.stderr.write(t), isTTY: false },
    });

    // the stalls
    const stalls: Array<{ scheduledAt: number; sentAt: number; answeredAt: number }> = [];
    const stalling = (async () => {
      for (const f of STALLS_AT) {
        const at = T0 + f * COUNT * INTERVAL_MS;
        await sleepUntil(at);
        const sentAt = monoMs();
        const r = await fetch(`${server.url}/__rtbench/stall?ms=${STALL_MS}`, { method: 'POST', signal: AbortSignal.timeout(5000) });
        await r.text();
        stalls.push({ scheduledAt: at - T0, sentAt: sentAt - T0, answeredAt: monoMs() - T0 }); // the busy loop starts right after the answer
      }
    })();

    // the reference open loop: echo k of every client at T0 + k·interval, whatever is outstanding
    const sched: number[] = []; // scheduled time (ms from T0) of each sample
    const lat: number[] = []; // its latency (ms)
    let outstanding = 0;
    let timeouts = 0;
    let lateSends = 0;
    for (let k = 0; k < COUNT; k++) {
      const s = T0 + k * INTERVAL_MS;
      await sleepUntil(s);
      if (monoMs() - s > INTERVAL_MS) lateSends++; // this process fell behind its own schedule (counted, not hidden)
      for (const sock of sockets) {
        outstanding++;
        sock.timeout(ACK_TIMEOUT_MS).emit('echo', k, (err: Error | null) => {
          outstanding--;
          if (err) timeouts++;
          else {
            sched.push(s - T0);
            lat.push(monoMs() - s);
          }
        });
      }
    }
    const drainBy = monoMs() + ACK_TIMEOUT_MS + 1000;
    while (outstanding > 0 && monoMs() < drainBy) await new Promise((r) => setTimeout(r, 50));
    await stalling;
    const outcome = await rtbench;

    // ---- figures
    const r = outcome.file.runs[0]!;
    const ack = r.metrics['ack:echo'];
    if (!ack) throw new Error(`rtbench recorded no ack:echo (status ${r.status}${r.failure ? `: ${r.failure.message}` : ''})`);
    const sorted = [...lat].sort((a, b) => a - b);
    const truth: Dist = {
      count: sorted.length,
      p50: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      p99: quantile(sorted, 0.99),
      p999: quantile(sorted, 0.999),
      max: sorted.at(-1)!,
    };
    // analytic prediction: baseline latency outside the stalls; inside a stall window, its end − s + baseline
    const windows = stalls.map((x) => ({ from: x.sentAt, to: x.answeredAt + STALL_MS })); // the busy loop starts once the answer is out
    const inStall = (t: number): boolean => windows.some((w) => t >= w.from - 5 && t < w.to + 100);
    const base = sched
      .map((t, i) => (inStall(t) ? NaN : lat[i]!))
      .filter((x) => !Number.isNaN(x))
      .sort((a, b) => a - b);
    const baseline = base.length ? quantile(base, 0.5) : 0;
    const predicted = sched
      .map((t) => {
        const w = windows.find((x) => t >= x.from && t < x.to);
        return w ? w.to - t + baseline : baseline;
      })
      .sort((a, b) => a - b);
    const analyticP99 = predicted.length ? quantile(predicted, 0.99) : NaN;
    const ratio = ack.p99 / truth.p99;
    const goal = { value: ratio, goal: 'within ±10% (0.9–1.1)', met: ratio >= 0.9 && ratio <= 1.1 };
    const rtbenchCounts = {
      acks: ack.count,
      expected: CLIENTS * COUNT,
      sessionsCompleted: r.counters['sessions.completed'] ?? 0,
      sessionsFailed: r.counters['sessions.failed'] ?? 0,
      errors: Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [k, v.count])),
    };
    const valid =
      rtbenchCounts.sessionsFailed === 0 &&
      rtbenchCounts.acks >= CLIENTS * COUNT * 0.99 &&
      truth.count >= CLIENTS * COUNT * 0.99 &&
      stalls.length === STALLS_AT.length;

    const f = (x: number): string => x.toFixed(1).padStart(9);
    const lines = [
      '',
      `coordinated omission: ${CLIENTS} clients × one acked echo every ${INTERVAL_MS} ms for ${SECONDS} s (${ENGINE}); ${stalls.length} server stalls of ${STALL_MS} ms`,
      `${''.padEnd(28)}${'count'.padStart(8)}${'p50'.padStart(9)}${'p90'.padStart(9)}${'p99'.padStart(9)}${'p99.9'.padStart(9)}${'max'.padStart(9)}   (ms)`,
      `${'true (reference open loop)'.padEnd(28)}${String(truth.count).padStart(8)}${f(truth.p50)}${f(truth.p90)}${f(truth.p99)}${f(truth.p999)}${f(truth.max)}`,
      `${'rtbench reported'.padEnd(28)}${String(ack.count).padStart(8)}${f(ack.p50)}${f(ack.p90)}${f(ack.p99)}${f(ack.p999)}${f(ack.max)}`,
      `${'analytic (stalls + baseline)'.padEnd(28)}${''.padStart(8)}${''.padStart(9)}${''.padStart(9)}${f(analyticP99)}`,
      '',
      `rtbench p99 / true p99: ${ratio.toFixed(3)} (goal within ±10%: ${goal.met && valid ? 'met' : 'NOT met'})`,
      ...(valid
        ? []
        : [
            `WARNING: the run is not complete: rtbench ${rtbenchCounts.acks}/${rtbenchCounts.expected} acks, ${rtbenchCounts.sessionsFailed} failed sessions ${JSON.stringify(rtbenchCounts.errors)}; reference ${truth.count} acks, ${timeouts} timeouts; ${stalls.length} stalls`,
          ]),
      ...(lateSends > COUNT * 0.01
        ? [
            `note: the reference loop sent ${lateSends} of ${COUNT} ticks more than ${INTERVAL_MS} ms late (busy machine); their latency still counts from the schedule`,
          ]
        : []),
      `stalls answered at ${stalls.map((x) => `${(x.answeredAt / 1000).toFixed(3)} s`).join(', ')} after T0; baseline latency ${baseline.toFixed(2)} ms; ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore[0]!.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)} on ${os.availableParallelism()} cores`,
      '',
    ];
    process.stdout.write(lines.join('\n'));

    const pick = (m: Dist): Dist => ({ count: m.count, p50: m.p50, p90: m.p90, p99: m.p99, p999: m.p999, max: m.max });
    return {
      engine: ENGINE,
      loadAverage: { before: loadBefore, after: os.loadavg() },
      truth,
      rtbench: { ...pick(ack), status: r.status, saturation: r.generator.saturation, ...rtbenchCounts },
      analytic: { p99: analyticP99, baselineMs: baseline },
      reference: { timeouts, lateSends },
      stalls,
      valid,
      goal: { ...goal, met: goal.met && valid },
    };
  } finally {
    for (const s of sockets) s.close();
    await server.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

const loadBefore = os.loadavg();
const results = [];
for (const engine of ENGINES) results.push(await measure(engine));
const outFile = join(here, 'results', 'co.json');
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      schema: 'rtbench.bench.co/v1',
      date: new Date().toISOString(),
      command: 'node --import tsx bench/co.ts',
      environment: environment(loadBefore),
      config: {
        clients: CLIENTS,
        intervalMs: INTERVAL_MS,
        seconds: SECONDS,
        echoesPerClient: COUNT,
        stallMs: STALL_MS,
        stallsAt: STALLS_AT,
        engines: ENGINES,
        leadMs: LEAD_MS,
        server: 'reference single topology, separate process (a fresh one per engine), 127.0.0.1',
      },
      results,
      goals: Object.fromEntries(results.map((x) => [`rtbenchP99OverTrueP99 ${x.engine}`, x.goal])),
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`results: ${outFile}\n`);
