/**
 * A shard's clock against the reference clock (the target's), NTP-style.
 *
 * `GET /__rtbench/time` (the reference app) answers the server's monotonic and wall clocks. For
 * each round trip the server read its clock somewhere between our send (t0) and our receive (t3),
 * so offset = server − (t0 + t3) / 2 with an error of at most (t3 − t0) / 2. The round trip with
 * the smallest RTT wins (it bounds the error tightest).
 *
 * A target without that endpoint (your own server) still sends an HTTP `Date` header, with 1 s
 * resolution: each answer bounds the wall-clock offset to [D − w3, D + 1000 − w0], the bounds of
 * all answers are intersected, and the estimate is the middle of what is left (± up to ~500 ms:
 * good enough to align time series by second, useless for fan-out latency, and said so).
 */
import http from 'node:http';
import https from 'node:https';
import type { ClockEstimate } from '../result/types.ts';
import { monoMs, sleep } from '../shared/clock.ts';

export interface ClockOptions {
  /** Round trips to try (bounded). Default 16. */
  samples?: number;
  /** Per-request timeout, ms. Default 2000. */
  timeoutMs?: number;
  /** Pause between round trips, ms (spreads them over scheduling hiccups). Default 10. */
  spacingMs?: number;
}

interface Sample {
  t0: number;
  t3: number;
  w0: number;
  w3: number;
  body: unknown;
  date: string | null;
}

/**
 * One GET over a kept-alive connection. t0 is taken just before the request is written and t3
 * when the response headers arrive, so little of our own work sits inside the round trip.
 */
function roundTrip(url: URL, agent: http.Agent, timeoutMs: number): Promise<Sample | null> {
  return new Promise((resolve) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: 'GET', agent, headers: { 'cache-control': 'no-store' }, timeout: timeoutMs });
    let t0 = 0;
    let w0 = 0;
    req.once('response', (res) => {
      const t3 = monoMs();
      const w3 = Date.now();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        let body: unknown = null;
        if (res.statusCode === 200) {
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = null;
          }
        }
        resolve({ t0, t3, w0, w3, body, date: typeof res.headers.date === 'string' ? res.headers.date : null });
      });
      res.once('error', () => resolve(null));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(null));
    w0 = Date.now();
    t0 = monoMs();
    req.end();
  });
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Estimate the clock offset of this host against `targetUrl`'s (bounded: `samples` + 1 requests of ≤ `timeoutMs` each). */
export async function estimateClock(targetUrl: string, o: ClockOptions = {}): Promise<ClockEstimate> {
  const n = Math.max(1, Math.min(50, o.samples ?? 16));
  const timeoutMs = o.timeoutMs ?? 2000;
  const url = new URL('/__rtbench/time', targetUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  const agent = new (url.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
  const samples: Sample[] = [];
  try {
    // one extra request first: it pays for the connection (and TLS), later ones reuse it
    for (let i = 0; i < n + 1; i++) {
      const s = await roundTrip(url, agent, timeoutMs);
      if (!s && i === 0) break; // nothing answers: give up at once
      if (s && i > 0) samples.push(s);
      await sleep(o.spacingMs ?? 10);
    }
  } finally {
    agent.destroy();
  }
  const timed = samples.filter((s): s is Sample & { body: { mono: number; wall: number } } => {
    const b = s.body as { mono?: unknown; wall?: unknown } | null;
    return !!b && typeof b.mono === 'number' && typeof b.wall === 'number';
  });
  if (timed.length > 0) {
    const best = timed.reduce((a, b) => (b.t3 - b.t0 < a.t3 - a.t0 ? b : a));
    const rtt = best.t3 - best.t0;
    const monoOffset = best.body.mono - (best.t0 + best.t3) / 2;
    const wallOffset = best.body.wall - (best.w0 + rtt / 2);
    return {
      method: 'rtbench-time',
      offsetMs: round3(wallOffset),
      monoOffsetMs: round3(monoOffset),
      uncertaintyMs: round3(rtt / 2),
      samples: timed.length,
      minRttMs: round3(rtt),
      note: 'wall-clock offset read with 1 ms resolution (Date.now); fan-out timestamps use the monotonic offset',
    };
  }
  const dated = samples.filter((s) => s.date && Number.isFinite(Date.parse(s.date)));
  if (dated.length > 0) {
    let lo = -Infinity;
    let hi = Infinity;
    for (const s of dated) {
      const d = Date.parse(s.date!);
      lo = Math.max(lo, d - s.w3);
      hi = Math.min(hi, d + 1000 - s.w0);
    }
    if (lo > hi) [lo, hi] = [hi, lo]; // the wall clock stepped meanwhile: keep a bound, however loose
    const wallOffset = (lo + hi) / 2;
    const wallMinusMono = Date.now() - monoMs();
    const minRtt = Math.min(...dated.map((s) => s.t3 - s.t0));
    return {
      method: 'http-date',
      offsetMs: round3(wallOffset),
      monoOffsetMs: round3(wallOffset + wallMinusMono),
      uncertaintyMs: round3((hi - lo) / 2),
      samples: dated.length,
      minRttMs: round3(minRtt),
      note: 'the target has no GET /__rtbench/time: estimated from the HTTP Date header, which has 1 s resolution; cross-host fan-out latencies are only good to about ± this uncertainty',
    };
  }
  return {
    method: 'none',
    offsetMs: 0,
    monoOffsetMs: 0,
    uncertaintyMs: null,
    samples: 0,
    minRttMs: null,
    note: `no clock estimate: ${url.toString()} gave neither a time nor a Date header`,
  };
}
