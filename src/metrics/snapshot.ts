import type { ErrorTable } from '../result/types.ts';
import type { HealthSample } from './health.ts';
import type { WireHistogram } from './histogram.ts';

/**
 * What a generator sends the coordinator once a second (and once at the end): only what
 * happened since its previous snapshot. The coordinator's Aggregator adds them up — the one
 * merge path for generator processes (and, later, shards).
 */
export interface IntervalSnapshot {
  generator: number;
  /** Second index since the run start. */
  t: number;
  /** metric → HDR histogram of this interval only (empty ones omitted): sparse from generators, encoded from shard results. */
  histograms: Record<string, WireHistogram>;
  /** Counter deltas (zeros omitted). */
  counters: Record<string, number>;
  /** Error deltas; `sample` is the first message of the interval for that kind. */
  errors: ErrorTable;
  /** Connections identified per worker id during the interval. */
  workers: Record<string, number>;
  /** Gauge: clients connected at the time of the snapshot. */
  connected: number;
  health?: HealthSample;
}
