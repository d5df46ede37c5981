import { Aggregator } from '../metrics/aggregate.ts';
import type { IntervalSnapshot } from '../metrics/snapshot.ts';
import type { ResolvedFault } from '../scenario/faults.ts';
import type { FaultImpact } from '../result/faults.ts';
import { NETWORK_HIT, RECOVERY_FRESH, RECOVERY_NEVER, RECOVERY_RESUMED, SEQUENCED_EVENTS } from '../metrics/names.ts';

/**
 * Splits the run's snapshots into windows at each fault's second: before the first fault (the
 * baseline), then one window per fault until the next fault or the end. Each window is merged
 * with the same Aggregator as the whole run, so its histograms are exact.
 */
export class FaultWindows {
  readonly name = 'fault-windows';
  private readonly baseline = new Aggregator();
  private readonly windows: Aggregator[];
  private readonly starts: number[];
  private lastT = 0;

  constructor(faults: ResolvedFault[]) {
    this.windows = faults.map(() => new Aggregator());
    this.starts = faults.map((f) => Math.floor(f.atMs / 1000));
  }

  /** The run's stream hands every snapshot here. */
  onSnapshot(s: IntervalSnapshot): void {
    this.lastT = Math.max(this.lastT, s.t);
    let k = -1;
    for (let i = 0; i < this.starts.length; i++) if (s.t >= this.starts[i]!) k = i;
    (k < 0 ? this.baseline : this.windows[k]!).add(s);
  }

  baselineAckP99(): number | null {
    return this.baseline.metrics().ack?.p99 ?? null;
  }

  impact(i: number): FaultImpact {
    const agg = this.windows[i]!;
    const m = agg.metrics();
    const c = agg.counters();
    const e = agg.errors();
    const n = (k: string): number => c[k] ?? 0;
    const seq = (kind: string): number => SEQUENCED_EVENTS.reduce((a, e) => a + n(`${e}.${kind}`), 0);
    return {
      window: { fromS: this.starts[i]!, toS: this.starts[i + 1] ?? this.lastT + 1 },
      disconnected: n('disconnects'),
      recovered: n('recovered'),
      recoveryFailed: n('recovery.failed'),
      resumed: n(RECOVERY_RESUMED),
      fresh: n(RECOVERY_FRESH),
      never: n(RECOVERY_NEVER),
      neverReturned: Math.max(0, n('disconnects') - n('recovered')),
      hit: n(NETWORK_HIT),
      recovery: m.recovery ?? null,
      detect: m.detect ?? null,
      lost: seq('gaps'),
      seqLost: ofSeq(c, '.lost'),
      seqReplayed: ofSeq(c, '.replayed'),
      duplicated: seq('duplicates'),
      outOfOrder: seq('outOfOrder'),
      ackTimeouts: e.ack_timeout?.count ?? 0,
      acksCut: e.disconnected?.count ?? 0,
      sessionUnknown: e.session_unknown?.count ?? 0,
      moved: n('recovery.otherWorker'),
      stayed: n('recovery.sameWorker'),
      unsent: n('messages.unsent'),
      errors: n('errors'),
      ackP99: m.ack?.p99 ?? null,
    };
  }
}

/** The sum of every `seq:<name><suffix>` counter (the scenario's own sequences). */
function ofSeq(c: Record<string, number>, suffix: string): number {
  let n = 0;
  for (const k in c) if (k.startsWith('seq:') && k.endsWith(suffix)) n += c[k]!;
  return Math.max(0, n);
}
