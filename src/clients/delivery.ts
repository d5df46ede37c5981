import type { ResolvedField, ResolvedSequence, SequenceDecl } from './delivery-types.ts';
import { monoMs } from '../shared/clock.ts';
import { stampAge } from '../shared/clock-domain.ts';
import { seqKey, type SeqCounter } from '../metrics/names.ts';
import type { RawMessage } from './types.ts';

/** Where the delivery check counts and records. */
export interface DeliverySink {
  count(name: string, n?: number): void;
  record(metric: string, ms: number): void;
  error(kind: string, message: string): void;
}

/** A raw frame turned into an event (the scenario's `parseMessage`), or null/undefined for frames that are none. */
export type MessageParser = (message: RawMessage, json: unknown) => { event: string; data?: unknown } | null | undefined;

type Getter = (data: unknown, args: unknown[]) => unknown;

/** One `sequences` entry, ready to read messages: its getters and its counter names. */
export interface CompiledSequence {
  name: string;
  event: string;
  seq: Getter;
  key: Getter | null;
  sentAt: Getter | null;
  /** The trend of delivery latency, `seq:<name>`, and of the replayed messages alone, `seq:<name>:replay`. */
  trend: string;
  replayTrend: string;
  keys: Record<SeqCounter, string>;
}

/** The scenario's sequences, compiled once per generator (shared by its clients). */
export interface DeliveryPlan {
  byEvent: Map<string, CompiledSequence[]>;
  parse: MessageParser | null;
  /** Reference clock minus ours (shards), for monotonic stamps. */
  clockOffsetMs: number;
  /** Problems already told (one error sample per sequence and problem per generator, then counted only). */
  told: Set<string>;
  describeError: (e: unknown) => string;
}

function getter(f: ResolvedField | null, fn: unknown): Getter | null {
  if (f === null) return null;
  if ('fn' in f) return fn as Getter;
  const parts = f.path.split('.');
  if (parts.length === 1) {
    const p = parts[0]!;
    return (d) => (d !== null && typeof d === 'object' ? (d as Record<string, unknown>)[p] : undefined);
  }
  return (d) => {
    let v: unknown = d;
    for (const p of parts) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    return v;
  };
}

/** Compile the validated `sequences` with the module's functions; null when the scenario declares none. */
export function compileDelivery(
  resolved: ResolvedSequence[],
  decls: Record<string, SequenceDecl> | undefined,
  parse: MessageParser | undefined,
  clockOffsetMs: number,
  describeError: (e: unknown) => string,
): DeliveryPlan | null {
  if (resolved.length === 0) return null;
  const byEvent = new Map<string, CompiledSequence[]>();
  for (const r of resolved) {
    const d = decls?.[r.name];
    const c: CompiledSequence = {
      name: r.name,
      event: r.event,
      seq: getter(r.seq, d?.seq)!,
      key: getter(r.key, d?.key),
      sentAt: getter(r.sentAt, d?.sentAt),
      trend: `seq:${r.name}`,
      replayTrend: `seq:${r.name}:replay`,
      keys: {
        received: seqKey(r.name, 'received'),
        lost: seqKey(r.name, 'lost'),
        duplicates: seqKey(r.name, 'duplicates'),
        outOfOrder: seqKey(r.name, 'outOfOrder'),
        replayed: seqKey(r.name, 'replayed'),
        unreadable: seqKey(r.name, 'unreadable'),
        negative: seqKey(r.name, 'negative'),
        rejected: seqKey(r.name, 'rejected'),
      },
    };
    const list = byEvent.get(r.event);
    if (list) list.push(c);
    else byEvent.set(r.event, [c]);
  }
  return { byEvent, parse: parse ?? null, clockOffsetMs, told: new Set(), describeError };
}

/** Numbers of a key not received yet: an inclusive range, and the reconnection count when it opened. */
interface Missing {
  from: number;
  to: number;
  epoch: number;
}
interface KeyState {
  last: number;
  missing: Missing[] | null;
}

/** Gap ranges remembered per key (older ones stay counted as lost; a late arrival into them reads as a duplicate). */
const MAX_MISSING = 64;

/**
 * One client's delivery check of the scenario's `sequences`, across all its connections: per
 * sequence and key, `received`, `lost` (numbers skipped between two received ones; a number that
 * arrives later is taken back out), `duplicates`, `outOfOrder` (filled a gap of this connection),
 * `replayed` (arrived while reconnecting, i.e. before the reconnection completed, as Socket.IO's
 * recovery replays the missed events; or filled a gap left before a reconnection), and with
 * `sentAt` the trends `seq:<name>` and `seq:<name>:replay`. (A sender's stamp does not tell a replay
 * from a live message: a message relayed through the server is stamped before the server sends it.)
 * Engines call `onEvent`; raw frames go through the scenario's `parseMessage` (`onRaw`);
 * reconnection logic calls `disconnected()` / `reconnected()`.
 */
export class DeliveryTracker {
  private readonly state = new Map<CompiledSequence, Map<string, KeyState>>();
  /** Reconnections so far (gaps remember the one they opened in). */
  private epoch = 0;
  private reconnecting = false;
  /** The age of the message being read (its delivery latency), or null without one. */
  private age: number | null = null;

  constructor(
    private readonly plan: DeliveryPlan,
    private readonly sink: DeliverySink,
  ) {}

  /** An incoming event (any engine): checked when a sequence names it. */
  onEvent(event: string, args: unknown[]): void {
    const list = this.plan.byEvent.get(event);
    if (list === undefined) return;
    for (const c of list) this.take(c, args[0], args);
  }

  /** A raw frame (`ws` engine): through `parseMessage`, then as an event. */
  onRaw(message: RawMessage, json: unknown): void {
    const parse = this.plan.parse;
    if (parse === null) return;
    let ev: ReturnType<MessageParser>;
    try {
      ev = parse(message, json);
    } catch (e) {
      return this.tell('parseMessage', 'session_error', `\`parseMessage\` threw: ${this.plan.describeError(e)}`);
    }
    if (ev && typeof ev.event === 'string') this.onEvent(ev.event, [ev.data]);
  }

  /** The connection dropped: what arrives until `reconnected()` is a replay. */
  disconnected(): void {
    this.reconnecting = true;
  }

  /** Connected again (resumed or fresh). */
  reconnected(): void {
    this.reconnecting = false;
    this.epoch++;
  }

  private take(c: CompiledSequence, data: unknown, args: unknown[]): void {
    const k = c.keys;
    let seq: unknown;
    let key = '';
    try {
      seq = c.seq(data, args);
      if (c.key !== null) key = String(c.key(data, args));
    } catch (e) {
      this.sink.count(k.unreadable);
      return this.tell(`${c.name}:threw`, 'session_error', `sequences.${c.name}: reading \`${c.event}\` threw: ${this.plan.describeError(e)}`);
    }
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) {
      this.sink.count(k.unreadable);
      return this.tell(
        `${c.name}:seq`,
        'sequence_unreadable',
        `sequences.${c.name}: a \`${c.event}\` event without a whole-number seq (got ${String(seq).slice(0, 40)}); counted in \`${k.unreadable}\`, not as received`,
      );
    }
    this.sink.count(k.received);
    const replay = this.reconnecting;
    this.age = null;
    if (c.sentAt !== null) this.latency(c, data, args);
    let byKey = this.state.get(c);
    if (byKey === undefined) this.state.set(c, (byKey = new Map()));
    const st = byKey.get(key);
    if (st === undefined) {
      byKey.set(key, { last: seq, missing: null });
    } else if (seq === st.last + 1) {
      st.last = seq;
    } else if (seq > st.last) {
      this.sink.count(k.lost, seq - st.last - 1);
      (st.missing ??= []).push({ from: st.last + 1, to: seq - 1, epoch: this.epoch });
      if (st.missing.length > MAX_MISSING) st.missing.shift();
      st.last = seq;
    } else {
      const opened = fill(st, seq);
      if (opened === null) return void this.sink.count(k.duplicates);
      this.sink.count(k.lost, -1);
      if (replay || opened < this.epoch) this.replayed(c);
      else this.sink.count(k.outOfOrder);
      return;
    }
    if (replay) this.replayed(c);
  }

  private replayed(c: CompiledSequence): void {
    this.sink.count(c.keys.replayed);
    if (this.age !== null) this.sink.record(c.replayTrend, this.age);
  }

  /** Record the delivery latency (kept in `age` for a replay's own trend). */
  private latency(c: CompiledSequence, data: unknown, args: unknown[]): void {
    let stamp: unknown;
    try {
      stamp = c.sentAt!(data, args);
    } catch (e) {
      this.sink.count(c.keys.rejected);
      return this.tell(`${c.name}:sentAt`, 'session_error', `sequences.${c.name}.sentAt threw: ${this.plan.describeError(e)}`);
    }
    const age = stampAge(typeof stamp === 'number' ? stamp : Number.NaN, monoMs(), this.plan.clockOffsetMs, Date.now());
    if ('refused' in age) {
      this.sink.count(c.keys.rejected);
      return this.tell(
        `${c.name}:clock`,
        'clock_domain',
        `sequences.${c.name}.sentAt: ${age.refused}; counted in \`${c.keys.rejected}\`, thresholds on \`${c.trend}\` fail`,
      );
    }
    if (age.ageMs < 0)
      this.sink.count(c.keys.negative); // a sender's clock ahead of ours: counted apart, never recorded as 0
    else {
      this.sink.record(c.trend, age.ageMs);
      this.age = age.ageMs;
    }
  }

  private tell(id: string, kind: string, message: string): void {
    if (this.plan.told.has(id)) return;
    this.plan.told.add(id);
    this.sink.error(kind, message);
  }
}

/** Take `seq` out of the key's missing ranges: the reconnection count its gap opened in, or null when it was not missing. */
function fill(st: KeyState, seq: number): number | null {
  const m = st.missing;
  if (m === null) return null;
  for (let i = 0; i < m.length; i++) {
    const r = m[i]!;
    if (seq < r.from || seq > r.to) continue;
    if (r.from === r.to) m.splice(i, 1);
    else if (seq === r.from) r.from++;
    else if (seq === r.to) r.to--;
    else m.splice(i + 1, 0, { from: seq + 1, to: r.to, epoch: r.epoch }), (r.to = seq - 1);
    return r.epoch;
  }
  return null;
}
