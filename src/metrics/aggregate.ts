import type { Counters, ErrorTable, MetricSummary, TimeseriesPoint, WorkerDistribution } from '../result.ts';
import { distribution } from './distribution.ts';
import { createHistogram, decode, summarize, type Histogram } from './histogram.ts';
import type { IntervalSnapshot } from './snapshot.ts';

interface Second {
  counters: Counters;
  ack: Histogram | null;
  connect: Histogram | null;
  /** generator → connected gauge reported in this second */
  connected: Map<number, number>;
}

/**
 * Adds interval snapshots from any number of generators into one run: cumulative histograms
 * (HDR `add`, exact), counters, errors, workers, and a per-second time series.
 */
export class Aggregator {
  private readonly totals = new Map<string, Histogram>();
  private readonly counterTotals: Counters = {};
  private readonly errorTotals: ErrorTable = {};
  private readonly workerTotals: Record<string, number> = {};
  private readonly seconds = new Map<number, Second>();

  add(s: IntervalSnapshot): void {
    const sec = this.second(s.t);
    for (const [name, enc] of Object.entries(s.histograms)) {
      const h = decode(enc);
      let total = this.totals.get(name);
      if (!total) {
        total = createHistogram();
        this.totals.set(name, total);
      }
      total.add(h);
      if (name === 'ack') (sec.ack ??= createHistogram()).add(h);
      else if (name === 'connect') (sec.connect ??= createHistogram()).add(h);
    }
    for (const [k, v] of Object.entries(s.counters)) {
      this.counterTotals[k] = (this.counterTotals[k] ?? 0) + v;
      sec.counters[k] = (sec.counters[k] ?? 0) + v;
    }
    for (const [k, e] of Object.entries(s.errors)) {
      const t = this.errorTotals[k];
      if (t) t.count += e.count;
      else this.errorTotals[k] = { ...e };
    }
    for (const [k, v] of Object.entries(s.workers)) this.workerTotals[k] = (this.workerTotals[k] ?? 0) + v;
    sec.connected.set(s.generator, s.connected);
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
    if (this.seconds.size === 0) return [];
    const last = Math.max(...this.seconds.keys());
    const gauges = new Map<number, number>();
    const points: TimeseriesPoint[] = [];
    const p = (h: Histogram | null | undefined, q: number): number | null => (h && h.totalCount > 0 ? Math.round(h.getValueAtPercentile(q)) / 1000 : null);
    for (let t = 0; t <= last; t++) {
      const sec = this.seconds.get(t);
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
    let s = this.seconds.get(t);
    if (!s) {
      s = { counters: {}, ack: null, connect: null, connected: new Map() };
      this.seconds.set(t, s);
    }
    return s;
  }
}
