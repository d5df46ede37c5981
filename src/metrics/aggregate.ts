import type { Counters, ErrorTable, MetricSummary, SecondRecord, TimeseriesPoint, WorkerDistribution } from '../result.ts';
import { distribution } from './distribution.ts';
import { createHistogram, mergeInto, decode, encode, summarize, type Histogram } from './histogram.ts';
import type { IntervalSnapshot } from './snapshot.ts';

interface Second {
  counters: Counters;
  ack: Histogram | null;
  connect: Histogram | null;
  /** generator → connected gauge reported in this second */
  connected: Map<number, number>;
}

/** The histograms the per-second time series keeps. */
const SECOND_HISTOGRAMS = ['ack', 'connect'] as const;

function decodeAll(histograms: Record<string, string>): Map<string, Histogram> {
  return new Map(Object.entries(histograms).map(([k, v]) => [k, decode(v)]));
}

/**
 * Adds interval snapshots from any number of generators into one run: cumulative histograms
 * (HDR `add`, exact), counters, errors, workers, and a per-second time series. This is the one
 * merge path: generator processes feed it their snapshots (`add`), and `rtbench merge` feeds it
 * each shard's totals (`addTotals`) and per-second records (`addSecond`).
 */
export class Aggregator {
  private readonly totals = new Map<string, Histogram>();
  private readonly counterTotals: Counters = {};
  private readonly errorTotals: ErrorTable = {};
  private readonly workerTotals: Record<string, number> = {};
  private readonly bySecond = new Map<number, Second>();

  /** One generator's interval: its totals and its second of the time series. */
  add(s: IntervalSnapshot): void {
    const decoded = decodeAll(s.histograms);
    this.addTotalsDecoded(s, decoded);
    this.addSecondDecoded(s, decoded);
  }

  /**
   * Only the run totals of a snapshot (histograms, counters, errors, workers), not the time
   * series. Shard merges feed a shard's totals here and its seconds to `addSecond`.
   */
  addTotals(s: IntervalSnapshot): void {
    this.addTotalsDecoded(s, decodeAll(s.histograms));
  }

  /** Only the time-series second `s.t` of a snapshot: counters, ack/connect histograms, connected gauge. */
  addSecond(s: IntervalSnapshot): void {
    const only: Record<string, string> = {};
    for (const k of SECOND_HISTOGRAMS) if (s.histograms[k]) only[k] = s.histograms[k]!;
    this.addSecondDecoded(s, decodeAll(only));
  }

  private addTotalsDecoded(s: IntervalSnapshot, decoded: Map<string, Histogram>): void {
    for (const [name, h] of decoded) {
      let total = this.totals.get(name);
      if (!total) {
        total = createHistogram();
        this.totals.set(name, total);
      }
      mergeInto(total, h);
    }
    for (const [k, v] of Object.entries(s.counters)) this.counterTotals[k] = (this.counterTotals[k] ?? 0) + v;
    for (const [k, e] of Object.entries(s.errors)) {
      const t = this.errorTotals[k];
      if (t) t.count += e.count;
      else this.errorTotals[k] = { ...e };
    }
    for (const [k, v] of Object.entries(s.workers)) this.workerTotals[k] = (this.workerTotals[k] ?? 0) + v;
  }

  private addSecondDecoded(s: IntervalSnapshot, decoded: Map<string, Histogram>): void {
    const sec = this.second(s.t);
    const ack = decoded.get('ack');
    const connect = decoded.get('connect');
    if (ack) mergeInto((sec.ack ??= createHistogram()), ack);
    if (connect) mergeInto((sec.connect ??= createHistogram()), connect);
    for (const [k, v] of Object.entries(s.counters)) sec.counters[k] = (sec.counters[k] ?? 0) + v;
    sec.connected.set(s.generator, s.connected);
  }

  /**
   * The time series before reduction to percentiles, one record per second from 0 to the last
   * (lossless: encoded histograms, all counters, the connected gauge summed with carry-forward).
   * Shard results keep it so that a merge can rebuild the merged series exactly.
   */
  seconds(): SecondRecord[] {
    if (this.bySecond.size === 0) return [];
    const last = Math.max(...this.bySecond.keys());
    const gauges = new Map<number, number>();
    const out: SecondRecord[] = [];
    for (let t = 0; t <= last; t++) {
      const sec = this.bySecond.get(t);
      for (const [g, c] of sec?.connected ?? []) gauges.set(g, c);
      out.push({
        t,
        counters: { ...(sec?.counters ?? {}) },
        ...(sec?.ack && sec.ack.totalCount > 0 ? { ack: encode(sec.ack) } : {}),
        ...(sec?.connect && sec.connect.totalCount > 0 ? { connect: encode(sec.connect) } : {}),
        connected: [...gauges.values()].reduce((a, b) => a + b, 0),
      });
    }
    return out;
  }

  metrics(): Record<string, MetricSummary> {
    const out: Record<string, MetricSummary> = {};
    for (const name of [...this.totals.keys()].sort()) out[name] = summarize(this.totals.get(name)!);
    return out;
  }

  counters(): Counters {
    return { ...this.counterTotals };
  }

  errors(): ErrorTable {
    return structuredClone(this.errorTotals);
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
    const last = Math.max(...this.bySecond.keys());
    const gauges = new Map<number, number>();
    const points: TimeseriesPoint[] = [];
    const p = (h: Histogram | null | undefined, q: number): number | null => (h && h.totalCount > 0 ? Math.round(h.getValueAtPercentile(q)) / 1000 : null);
    for (let t = 0; t <= last; t++) {
      const sec = this.bySecond.get(t);
      for (const [g, c] of sec?.connected ?? []) gauges.set(g, c);
      const c = sec?.counters ?? {};
      points.push({
        t,
        connected: [...gauges.values()].reduce((a, b) => a + b, 0),
        sessionsStarted: c['sessions.started'] ?? 0,
        messagesSent: c['messages.sent'] ?? 0,
        messagesReceived: c['messages.received'] ?? 0,
        errors: c.errors ?? 0,
        ackP50: p(sec?.ack, 50),
        ackP99: p(sec?.ack, 99),
        connectP99: p(sec?.connect, 99),
      });
    }
    return points;
  }

  private second(t: number): Second {
    let s = this.bySecond.get(t);
    if (!s) {
      s = { counters: {}, ack: null, connect: null, connected: new Map() };
      this.bySecond.set(t, s);
    }
    return s;
  }
}
