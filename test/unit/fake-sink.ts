/** A MetricsSink for unit tests of the session client: it keeps every sample, counter, error and worker. */
import type { MetricsSink } from '../../src/metrics/sink.ts';

export class FakeSink implements MetricsSink {
  samples: Array<[string, number]> = [];
  counters = new Map<string, number>();
  errors: Array<[string, string]> = [];
  workers: string[] = [];
  connected = 0;
  record(m: string, ms: number): void {
    this.samples.push([m, ms]);
  }
  count(n: string, k = 1): void {
    this.counters.set(n, (this.counters.get(n) ?? 0) + k);
  }
  error(kind: string, msg: string): void {
    this.errors.push([kind, msg]);
  }
  worker(id: string): void {
    this.workers.push(id);
  }
  connectedDelta(d: 1 | -1): void {
    this.connected += d;
  }
  of(m: string): number[] {
    return this.samples.filter(([k]) => k === m).map(([, v]) => v);
  }
}
