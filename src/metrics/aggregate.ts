import type { Counters, ErrorTable, MetricSummary, SecondRecord, SecondTrend, TimeseriesPoint, WorkerDistribution } from '../result/types.ts';
import type { MetricDeclarations } from './declared.ts';
import { CHECKS_FAIL, CHECKS_PASS } from './names.ts';
import { distribution } from './distribution.ts';
import { addErrorTable, sortedErrors } from './errors.ts';
import { createFlatHistogram, createHistogram, encode, mergeWire, summarize, type Histogram, type WireHistogram } from './histogram.ts';
import type { IntervalSnapshot } from './snapshot.ts';

interface Second {
  counters: Counters;
  ack: Histogram | null;
  connect: Histogram | null;
  /** Raw-frame `request()` round trips (ws engine), as `ack` for Socket.IO acks. */
  request: Histogram | null;
  /** Token streams' time to first event (`sse:first`, sse engine). */
  sseFirst: Histogram | null;
  /** Declared custom trend → its histogram of this second. */
  trends: Map<string, Histogram> | null;
  /** generator → connected gauge reported in this second */
  connected: Map<number, number>;
}

/**
 * Adds interval snapshots from any number of generators into one run: cumulative histograms
 * (HDR `add`, exact), counters, errors, workers, and a per-second time series. This is the one
 * merge path: generator processes feed it their snapshots (`add`), and `rtbench merge` feeds it
 * each shard's totals (`addTotals`) and per-second records (`addSecond`). Given the scenario's
 * metric declarations, the time series carries its custom trends and counters (and checks) per
 * second as it does `ack`.
 */
export class Aggregator {
  private readonly totals = new Map<string, Histogram>();
  private readonly counterTotals: Counters = {};
  private readonly errorTotals: ErrorTable = {};
  private readonly workerTotals: Record<string, number> = {};
  private readonly bySecond = new Map<number, Second>();
  /** generator → its newest connected gauge, and the newest second any generator reported. */
  private readonly gaugeNow = new Map<number, { t: number; connected: number }>();
  private lastT = -1;
  private readonly customTrends: readonly string[];
  private readonly customCounters: readonly string[];
  /** A check was made in some second: from then on every point carries `checks`. */
  private checksSeen = false;

  constructor(custom: MetricDeclarations = {}) {
    this.customTrends = Object.keys(custom).filter((n) => custom[n] === 'trend');
    this.customCounters = Object.keys(custom).filter((n) => custom[n] === 'counter');
  }

  /** One generator's interval: its totals and its second of the time series. */
  add(s: IntervalSnapshot): void {
    this.addTotals(s);
    this.addSecond(s);
  }

  /**
   * Only the run totals of a snapshot (histograms, counters, errors, workers), not the time
   * series. Shard merges feed a shard's totals here and its seconds to `addSecond`.
   */
  addTotals(s: IntervalSnapshot): void {
    for (const [name, h] of Object.entries(s.histograms)) {
      let total = this.totals.get(name);
      if (!total) {
        total = createFlatHistogram(); // few metrics, merged into every second: the fast flat layout
        this.totals.set(name, total);
      }
      mergeWire(total, h);
    }
    for (const [k, v] of Object.entries(s.counters)) this.counterTotals[k] = (this.counterTotals[k] ?? 0) + v;
    addErrorTable(this.errorTotals, s.errors);
    for (const [k, v] of Object.entries(s.workers)) this.workerTotals[k] = (this.workerTotals[k] ?? 0) + v;
  }

  /** Only the time-series second `s.t` of a snapshot: counters, ack/connect and custom trend histograms, connected gauge. */
  addSecond(s: IntervalSnapshot): void {
    const sec = this.second(s.t);
    const ack: WireHistogram | undefined = s.histograms.ack;
    const connect: WireHistogram | undefined = s.histograms.connect;
    // per-second histograms are many (two per second of the run): the packed layout keeps them small
    if (ack) mergeWire((sec.ack ??= createHistogram()), ack);
    if (connect) mergeWire((sec.connect ??= createHistogram()), connect);
    const request: WireHistogram | undefined = s.histograms.request;
    if (request) mergeWire((sec.request ??= createHistogram()), request);
    const sseFirst: WireHistogram | undefined = s.histograms['sse:first'];
    if (sseFirst) mergeWire((sec.sseFirst ??= createHistogram()), sseFirst);
    for (const name of this.customTrends) {
      const h: WireHistogram | undefined = s.histograms[name];
      if (!h) continue;
      const trends = (sec.trends ??= new Map());
      let mine = trends.get(name);
      if (!mine) trends.set(name, (mine = createHistogram()));
      mergeWire(mine, h);
    }
    for (const [k, v] of Object.entries(s.counters)) sec.counters[k] = (sec.counters[k] ?? 0) + v;
    if (!this.checksSeen && (s.counters[CHECKS_PASS] || s.counters[CHECKS_FAIL])) this.checksSeen = true;
    sec.connected.set(s.generator, s.connected);
    const g = this.gaugeNow.get(s.generator);
    if (!g || s.t >= g.t) this.gaugeNow.set(s.generator, { t: s.t, connected: s.connected });
    if (s.t > this.lastT) this.lastT = s.t;
  }

  /**
   * The time series before reduction to percentiles, one record per second from 0 to the last
   * (lossless: encoded histograms, all counters, the connected gauge summed with carry-forward).
   * Shard results keep it so that a merge can rebuild the merged series exactly.
   */
  seconds(): SecondRecord[] {
    if (this.bySecond.size === 0) return [];
    const gauges = new Map<number, number>();
    const out: SecondRecord[] = [];
    for (let t = 0; t <= this.lastT; t++) {
      const sec = this.bySecond.get(t);
      for (const [g, c] of sec?.connected ?? []) gauges.set(g, c);
      out.push({
        t,
        counters: { ...(sec?.counters ?? {}) },
        ...(sec?.ack && sec.ack.totalCount > 0 ? { ack: encode(sec.ack) } : {}),
        ...(sec?.connect && sec.connect.totalCount > 0 ? { connect: encode(sec.connect) } : {}),
        ...(sec?.request && sec.request.totalCount > 0 ? { request: encode(sec.request) } : {}),
        ...(sec?.sseFirst && sec.sseFirst.totalCount > 0 ? { sseFirst: encode(sec.sseFirst) } : {}),
        ...(sec?.trends ? { trends: encodeTrends(sec.trends) } : {}),
        connected: sumValues(gauges),
      });
    }
    return out;
  }

  /** The newest second any snapshot reported (-1 before the first). */
  get lastSecond(): number {
    return this.lastT;
  }

  metrics(): Record<string, MetricSummary> {
    const out: Record<string, MetricSummary> = {};
    for (const name of [...this.totals.keys()].sort()) out[name] = summarize(this.totals.get(name)!);
    return out;
  }

  /** One counter's run total (no copy of the table). */
  counterTotal(name: string): number {
    return this.counterTotals[name] ?? 0;
  }

  counters(): Counters {
    return { ...this.counterTotals };
  }

  /** Errors by kind, each with up to 5 distinct messages and their counts, most frequent first. */
  errors(): ErrorTable {
    return sortedErrors(this.errorTotals);
  }

  /** Connections per worker; `knownWorkers` (from the server) adds workers no client reached, as 0. */
  workers(knownWorkers: string[] = []): WorkerDistribution {
    const identified = Object.values(this.workerTotals).reduce((a, b) => a + b, 0);
    const connects = (this.totals.get('connect')?.totalCount ?? 0) + (this.totals.get('reconnect')?.totalCount ?? 0);
    const reconnect = { same: this.counterTotals['reconnect.sameWorker'] ?? 0, other: this.counterTotals['reconnect.otherWorker'] ?? 0 };
    return distribution(this.workerTotals, Math.max(0, connects - identified), knownWorkers, reconnect);
  }

  timeseries(): TimeseriesPoint[] {
    if (this.bySecond.size === 0) return [];
    const gauges = new Map<number, number>();
    const points: TimeseriesPoint[] = [];
    for (let t = 0; t <= this.lastT; t++) {
      const sec = this.bySecond.get(t);
      for (const [g, c] of sec?.connected ?? []) gauges.set(g, c);
      points.push(this.point(t, sec, sumValues(gauges)));
    }
    return points;
  }

  /**
   * The newest second's point, as `timeseries()` would end: what the live console shows each
   * second. It costs one second's percentiles, not the whole series' (which grew with the run).
   */
  latest(): TimeseriesPoint | null {
    if (this.lastT < 0) return null;
    let connected = 0;
    for (const g of this.gaugeNow.values()) connected += g.connected;
    return this.point(this.lastT, this.bySecond.get(this.lastT), connected);
  }

  /** One second's point: the built-in figures, and the custom metrics and checks when the run has them. */
  private point(t: number, sec: Second | undefined, connected: number): TimeseriesPoint {
    const p = point(t, sec, connected);
    const c = sec?.counters ?? {};
    if (this.customTrends.length > 0 || this.customCounters.length > 0) {
      const trends: Record<string, SecondTrend> = {};
      for (const name of this.customTrends) {
        const h = sec?.trends?.get(name);
        trends[name] = { count: h?.totalCount ?? 0, p50: pct(h, 50), p99: pct(h, 99) };
      }
      const counters: Record<string, number> = {};
      for (const name of this.customCounters) counters[name] = c[name] ?? 0;
      p.custom = { trends, counters };
    }
    if (this.checksSeen) p.checks = { pass: c[CHECKS_PASS] ?? 0, fail: c[CHECKS_FAIL] ?? 0 };
    return p;
  }

  private second(t: number): Second {
    let s = this.bySecond.get(t);
    if (!s) {
      s = { counters: {}, ack: null, connect: null, request: null, sseFirst: null, trends: null, connected: new Map() };
      this.bySecond.set(t, s);
    }
    return s;
  }
}

const sumValues = (m: Map<number, number>): number => {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
};

function encodeTrends(trends: Map<string, Histogram>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, h] of trends) if (h.totalCount > 0) out[name] = encode(h);
  return out;
}

const pct = (h: Histogram | null | undefined, q: number): number | null => (h && h.totalCount > 0 ? Math.round(h.getValueAtPercentile(q)) / 1000 : null);

function point(t: number, sec: Second | undefined, connected: number): TimeseriesPoint {
  const c = sec?.counters ?? {};
  return {
    t,
    connected,
    sessionsStarted: c['sessions.started'] ?? 0,
    messagesSent: c['messages.sent'] ?? 0,
    messagesReceived: c['messages.received'] ?? 0,
    errors: c.errors ?? 0,
    ackP50: pct(sec?.ack, 50),
    ackP99: pct(sec?.ack, 99),
    connectP99: pct(sec?.connect, 99),
    ...(sec?.request && sec.request.totalCount > 0 ? { requestP99: pct(sec.request, 99) } : {}),
    ...(sec?.sseFirst && sec.sseFirst.totalCount > 0 ? { sseFirstP99: pct(sec.sseFirst, 99) } : {}),
  };
}
