import type { Histogram } from './histogram.ts';

/**
 * Where a client reports what it measures: the generator's Recorder (src/metrics/recorder.ts)
 * satisfies it, and `SessionClient` (src/clients/session-client.ts) writes to it.
 */
export interface MetricsSink {
  record(metric: string, ms: number): void;
  count(name: string, n?: number): void;
  error(kind: string, message: string): void;
  worker(id: string): void;
  connectedDelta(d: 1 | -1): void;
  /** The histogram behind `record(metric, …)`, for callers that record into one metric often (custom trends). */
  histogram?(metric: string): Histogram;
  /** Ms since the latest injected fault (same-host monotonic clock), or null when none was injected yet. */
  sinceFault?(): number | null;
}
