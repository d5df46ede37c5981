import type { ErrorTable } from '../result/types.ts';
import { monoMs } from '../shared/clock.ts';
import type { MetricsSink } from './sink.ts';
import { addError, clip } from './errors.ts';
import type { HealthSample } from './health.ts';
import { createFlatHistogram, recordMs, toSparse, type Histogram, type WireHistogram } from './histogram.ts';
import type { IntervalSnapshot } from './snapshot.ts';

/**
 * A generator's recorder: latencies go into per-metric HDR histograms of the current
 * interval, counters and errors into delta tables. `flush()` hands over the interval and
 * starts the next one (histograms are reset and reused).
 */
export class Recorder implements MetricsSink {
  private readonly hist = new Map<string, Histogram>();
  private counters: Record<string, number> = {};
  private errors: ErrorTable = {};
  private workers: Record<string, number> = {};
  private connectedNow = 0;
  /** Monotonic time of the latest injected fault, as the coordinator announced it. */
  private faultAt: number | null = null;

  constructor(private readonly generator: number) {}

  record(metric: string, ms: number): void {
    recordMs(this.histogram(metric), ms);
  }

  /** The interval histogram of `metric`: one per metric for the whole run, reset (not replaced) at each flush. */
  histogram(metric: string): Histogram {
    let h = this.hist.get(metric);
    if (!h) {
      h = createFlatHistogram();
      this.hist.set(metric, h);
    }
    return h;
  }

  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  error(kind: string, message: string): void {
    addError(this.errors, kind, clip(message));
    this.count('errors');
  }

  worker(id: string): void {
    this.workers[id] = (this.workers[id] ?? 0) + 1;
  }

  connectedDelta(d: 1 | -1): void {
    this.connectedNow += d;
  }

  /** The coordinator injected a fault at `at` (monotonic ms, same host). */
  faultInjected(at: number): void {
    this.faultAt = at;
  }

  sinceFault(): number | null {
    if (this.faultAt === null) return null;
    const d = monoMs() - this.faultAt;
    return d >= 0 ? d : null;
  }

  get connected(): number {
    return this.connectedNow;
  }

  /** The interval since the previous flush; resets interval state. */
  flush(t: number, health?: HealthSample): IntervalSnapshot {
    const histograms: Record<string, WireHistogram> = {};
    for (const [name, h] of this.hist) {
      if (h.totalCount === 0) continue;
      histograms[name] = toSparse(h);
      h.reset();
    }
    const snap: IntervalSnapshot = {
      generator: this.generator,
      t,
      histograms,
      counters: this.counters,
      errors: this.errors,
      workers: this.workers,
      connected: this.connectedNow,
      ...(health ? { health } : {}),
    };
    this.counters = {};
    this.errors = {};
    this.workers = {};
    return snap;
  }
}
