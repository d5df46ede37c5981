import { negativeKey } from '../metrics/names.ts';

/** Where the sequence check counts what it finds. */
export interface SequenceSink {
  count(name: string, n?: number): void;
}

/**
 * Per-stream sequence check of numbered server messages (broadcasts, pushes, channel messages):
 * counts gaps (`<event>.gaps`: lost), duplicates and out-of-order deliveries.
 */
export class SequenceCheck {
  private readonly last = new Map<string, number>();

  constructor(private readonly sink: SequenceSink) {}

  check(stream: string, seq: number, event: string): void {
    const last = this.last.get(stream);
    if (last !== undefined) {
      if (seq > last + 1) this.sink.count(`${event}.gaps`, seq - last - 1);
      else if (seq === last) this.sink.count(`${event}.duplicates`);
      else if (seq < last) this.sink.count(`${event}.outOfOrder`);
    }
    if (last === undefined || seq > last) this.last.set(stream, seq);
  }

  /** A stream ends (a new connection numbers its pushes afresh). */
  forget(stream: string): void {
    this.last.delete(stream);
  }

  /** Every stream whose key starts with `prefix` ends (a room left, a channel unsubscribed). */
  forgetPrefix(prefix: string): void {
    for (const k of [...this.last.keys()]) if (k.startsWith(prefix)) this.last.delete(k);
  }
}

/** The sequence stream a numbered server message belongs to: one room's broadcasts (one channel's messages) from one origin worker process, or a connection's pushes. */
export function streamOf(event: string, msg: { room?: unknown; channel?: unknown; origin?: unknown }): string {
  if (event === 'push') return '\0push';
  if (event === 'publish') return `\0ch\0${String(msg.channel)}\0${String(msg.origin ?? '')}`;
  return `${String(msg.room)}\0${String(msg.origin ?? '')}`;
}

/** Where a server-stamped latency goes. */
export interface StampedSink extends SequenceSink {
  record(metric: string, ms: number): void;
}

/**
 * One server-stamped latency (`broadcast`, `push`, `publish`: receive time minus the message's `ts`).
 * A negative one means the stamp is not on rtbench's clock (a server stamping with `Date.now()`,
 * or a clock ahead): it is recorded as 0 and counted in `<event>.negative`, which flags the trend
 * as biased (a warning in the summary; every threshold on it fails), as custom trends are.
 */
export function recordStamped(sink: StampedSink, event: string, ms: number): void {
  if (ms < 0) {
    sink.count(negativeKey(event));
    ms = 0;
  }
  sink.record(event, ms);
}
