import os from 'node:os';

/** Which worker is serving: sent to every client in `welcome`. */
export interface WorkerIdentity {
  id: string;
  index: number;
  pid: number;
  node: string;
}

/** Per-server-instance state of the reference app (no module-level state). */
export interface AppContext {
  identity: WorkerIdentity;
  topology: string;
  /** Server push events per second to every connected client (0 = none). */
  pushRate: number;
  /** Live counters, for the admin stats endpoint. */
  stats: { socketio: number; ws: number; total: number; messages: number };
  /** Extra delay (ms) before every client event is handled: a server "told to add latency". */
  delayMs: number;
  /**
   * Service time (ms) of every client event in one FIFO queue served one at a time: a server whose
   * capacity is exactly 1000 / serviceMs events per second (0 = off). See `serviceDelay`.
   */
  serviceMs: number;
  /** When the service queue is free again (performance.now() ms). */
  serviceFreeAt: number;
  /** Per-room broadcast sequence numbers of this worker. */
  roomSeq: Map<string, number>;
}

export function createContext(topology: string, index: number, pushRate = 0, name = topology.split(':')[0]!): AppContext {
  return {
    identity: { id: `${name}#${index}`, index, pid: process.pid, node: os.hostname() },
    topology,
    pushRate,
    stats: { socketio: 0, ws: 0, total: 0, messages: 0 },
    delayMs: 0,
    serviceMs: 0,
    serviceFreeAt: 0,
    roomSeq: new Map(),
  };
}

/** Next sequence number of a room's broadcast stream from this worker. */
export function nextSeq(ctx: AppContext, room: string): number {
  const seq = (ctx.roomSeq.get(room) ?? 0) + 1;
  ctx.roomSeq.set(room, seq);
  return seq;
}

export const clamp = (v: unknown, lo: number, hi: number, dflt: number): number => {
  const n = typeof v === 'number' && Number.isFinite(v) ? v : dflt;
  return Math.min(hi, Math.max(lo, n));
};

/** Burn CPU for `ms` (the `work` handler and the stall endpoint). */
export function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** A room name the app accepts: a non-empty string of at most 200 characters. */
export function validRoom(room: unknown): room is string {
  return typeof room === 'string' && room.length > 0 && room.length <= 200;
}

/** Pub/sub channels of the `subscribe` / `publish` events are rooms under this prefix (apart from `join` rooms). */
export const CHANNEL_ROOM_PREFIX = 'ch:';
export const channelRoom = (channel: string): string => `${CHANNEL_ROOM_PREFIX}${channel}`;

/** What a channel subscriber receives as a `publish` event. */
export interface ChannelMessage {
  channel: string;
  seq: number;
  ts: unknown;
  origin: string;
  data: unknown;
}

/** Sequence, stamp and shape one publish into `channel` from this worker. */
export function channelMessage(ctx: AppContext, channel: string, payload: unknown): ChannelMessage {
  const p = (payload && typeof payload === 'object' ? payload : {}) as { ts?: unknown; data?: unknown };
  return { channel, seq: nextSeq(ctx, channelRoom(channel)), ts: p.ts, origin: `${ctx.identity.id}@${ctx.identity.pid}`, data: p.data };
}

/**
 * How long an event that arrives now waits before it is handled, when every event is served in
 * turn for `serviceMs` (a single-server queue with a fixed service time, on timers: no CPU is
 * burnt, so its capacity, 1000 / serviceMs events/s, holds on a busy machine). The queue's clock
 * advances by the service time, never by timer lateness, so the rate does not drift.
 */
export function serviceDelay(ctx: AppContext): number {
  const now = performance.now();
  ctx.serviceFreeAt = Math.max(now, ctx.serviceFreeAt) + ctx.serviceMs;
  return ctx.serviceFreeAt - now;
}
