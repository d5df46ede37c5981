/** The worker a client landed on, as the reference app's `welcome` event reports it. */
export interface WorkerInfo {
  id: string;
  index: number;
  pid: number;
  node: string;
}

import type { Socket as NetSocket } from 'node:net';
import type { ConnectOptions, ResolvedConnect } from './connect-options.ts';
import type { EngineMemo } from './memo.ts';
import type { StreamOptions, StreamResult } from './sse-types.ts';

export type { ConnectOptions } from './connect-options.ts';
export type { StreamOptions, StreamResult, SseEvent } from './sse-types.ts';

/** An incoming WebSocket message: text frames as strings, binary frames as Buffers. */
export type RawMessage = string | Buffer;

/**
 * Decides whether an incoming message is the one awaited. `json` is the text frame parsed as
 * JSON once for every matcher (undefined for binary frames and text that is not JSON).
 */
export type MessageMatch = (message: RawMessage, json: unknown) => boolean;

/** Options of `client.request()`. */
export interface RequestOptions {
  /** Also time the request as `request:<name>`. */
  name?: string;
  /** Timeout in ms (default the scenario's ackTimeout). */
  timeout?: number;
}

/** The methods a session uses with a per-call ack timeout (`client.timeout(ms)`). */
export interface AckEmitter {
  /** Emit and wait for the server's acknowledgement; resolves with the first ack argument. Timed as `ack` and `ack:<event>`. */
  emitWithAck<T = unknown>(event: string, ...args: unknown[]): Promise<T>;
}

/**
 * The client API a session function drives. Every operation is timed from its **intended**
 * start (see docs/timing.md): a session's clock starts at its scheduled arrival time.
 */
export interface Client extends AckEmitter {
  /** Globally unique id of this client. */
  readonly id: number;
  /** Loopback source address the client connects from. */
  readonly sourceAddress: string;
  /** The worker that served this client, once the server's `welcome` arrived (reference app only). */
  readonly worker: WorkerInfo | null;
  /** True while connected. */
  readonly connected: boolean;
  /**
   * Connect to the target. Timed as `connect` (from the session's intended start). `options`
   * (namespace, auth, query, headers) add to the scenario's `connect` default; `reconnect()` and
   * automatic reconnection reuse them.
   */
  connect(options?: ConnectOptions): Promise<void>;
  /** Fire-and-forget event. */
  emit(event: string, ...args: unknown[]): void;
  /** Same as `emitWithAck`, with its own timeout in ms. */
  timeout(ms: number): AckEmitter;
  /** Handle every incoming `event`. */
  on(event: string, handler: (...args: unknown[]) => void): void;
  /** Wait for the next `event` (rejects after `timeoutMs`, default the scenario's ackTimeout). Resolves with its arguments. */
  waitFor(event: string, timeoutMs?: number): Promise<unknown[]>;
  /** Join a room of the reference app (acked, timed as `ack:join`). */
  join(room: string): Promise<void>;
  /** Leave a room (acked, timed as `ack:leave`). */
  leave(room: string): Promise<void>;
  /**
   * Broadcast to a room through the reference app, carrying this client's timestamp: every member
   * records `broadcast` fan-out latency on receipt. Acked, timed as `ack:broadcast`.
   */
  broadcast(room: string, data?: unknown): Promise<void>;
  /**
   * Subscribe to a pub/sub channel (acked, timed as `ack:subscribe`). Works on every engine: a
   * SocketCluster channel on `socketcluster`; the reference app's `subscribe` event (a room) on the others.
   * Messages published into the channel arrive as `publish` events `{ channel, seq, ts, origin, data }`
   * and are timed as `publish` fan-out latency, with per-channel sequence gaps (`publish.gaps`).
   */
  subscribe(channel: string): Promise<void>;
  /** Unsubscribe from a channel (acked, timed as `ack:unsubscribe`). */
  unsubscribe(channel: string): Promise<void>;
  /** Publish into a channel, carrying this client's timestamp (acked, timed as `ack:publish`). */
  publish(channel: string, data?: unknown): Promise<void>;
  /** Pause: a fixed number of ms or a random one in [min, max]. Advances the intended clock. */
  think(ms: number | [number, number]): Promise<void>;
  /**
   * Run `fn` `count` times on a fixed schedule, one every `intervalMs` from now (open loop):
   * iteration i starts at its scheduled time even while earlier ones still wait (at most 1,024
   * in flight), and its first operation is timed from that time, so stalls are not hidden
   * (coordinated omission). The first iteration that throws stops the schedule and is rethrown.
   */
  every(intervalMs: number, count: number, fn: (i: number) => Promise<void> | void): Promise<void>;
  /**
   * Close the connection and connect again from the same source address. Timed as `reconnect`;
   * with the reference app it also records whether the client came back to the same worker
   * (counters `reconnect.sameWorker` / `reconnect.otherWorker`: stickiness).
   */
  reconnect(): Promise<void>;
  /** Disconnect (idempotent). */
  disconnect(): Promise<void>;
  /**
   * Run `handler` after every automatic reconnection (scenario `reconnect`, or `faults`), before the
   * session's pending calls continue: `resumed` is true when the server resumed the session
   * (Socket.IO connection-state recovery: rooms and missed messages restored), false for a fresh
   * session, which typically joins its rooms again here. Awaited; one that throws is a session error.
   */
  onReconnect(handler: (info: ReconnectInfo) => void | Promise<void>): void;
  /** `ws` engine: send one raw frame (a string as a text frame, bytes as a binary frame). Counted as `messages.sent`. */
  send(data: string | Uint8Array): void;
  /** `ws` engine: handle every incoming message (also those a `request` or `waitForMessage` consumes). */
  onMessage(handler: (message: RawMessage, json: unknown) => void): void;
  /** `ws` engine: wait for the first incoming message for which `match` returns true (rejects after `timeoutMs`, default ackTimeout). */
  waitForMessage(match: MessageMatch, timeoutMs?: number): Promise<RawMessage>;
  /**
   * `ws` engine: send `data` and resolve with the first incoming message for which `match` returns
   * true. Timed as `request` (and `request:<name>`) from the intended clock, as `emitWithAck`.
   */
  request(data: string | Uint8Array, match: MessageMatch, options?: RequestOptions): Promise<RawMessage>;
  /**
   * `sse` engine: one HTTP request (to the target's origin) whose `text/event-stream` answer is read
   * to its end or to the `until` event, e.g. a model's token stream. Timed as `sse:first` (to the
   * first event), `sse:done` (to the end) and `sse:gap` (between events), from the intended clock.
   */
  stream(path: string, options?: StreamOptions): Promise<StreamResult>;
}

/** What `client.onReconnect` handlers get. */
export interface ReconnectInfo {
  /** The server resumed the previous session (Socket.IO connection-state recovery); false: a fresh session. */
  resumed: boolean;
}

/** Socket.IO connection-state recovery of one client, carried from one connection to the next (socket.io-lean). */
export interface ResumeState {
  /** The private session id the server gave (CONNECT `pid`), or null (recovery off on the server). */
  pid: string | null;
  /** The offset of the last event received (its last argument), or null. */
  offset: string | null;
}

/** What an engine provides; `SessionClient` builds the timed Client API on top of it. */
export interface Transport {
  /** Connect; resolve once connected, reject with a `ClientOpError` on failure or after `timeoutMs`. */
  connect(timeoutMs: number): Promise<void>;
  emit(event: string, args: unknown[]): void;
  /** Emit with an ack; resolves with the ack's arguments; rejects with a `ClientOpError('ack_timeout')` after `timeoutMs`. */
  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]>;
  /** Called for every incoming event. */
  onEvent(handler: (event: string, args: unknown[]) => void): void;
  /** Called once when the connection ends for any reason other than `close()`. */
  onDisconnect(handler: (reason: string) => void): void;
  /**
   * Engines with their own pub/sub (SocketCluster) implement the channel calls; each resolves once
   * the server acknowledged it. Without them, SessionClient sends the reference app's
   * `subscribe` / `unsubscribe` / `publish` events with acks. Channel messages of such engines
   * are handed to `onEvent` as `publish` events `{ channel, seq, ts, origin, data }`.
   */
  subscribe?(channel: string, timeoutMs: number): Promise<void>;
  unsubscribe?(channel: string, timeoutMs: number): Promise<void>;
  publish?(channel: string, payload: { ts: number; data: unknown }, timeoutMs: number): Promise<void>;
  /** Engines that deliver only the events they listen to (SocketCluster receivers): start listening to `event`. */
  listen?(event: string): void;
  /**
   * Engines that reconnect by themselves (socket.io-client's Manager, when `reconnect` is set)
   * report here: `reconnected` once connected again, `failed` when they gave up, `attempt_error`
   * for each failed attempt. Engines without it are reconnected by SessionClient's own loop.
   */
  onReconnect?(handler: (event: 'reconnected' | 'failed' | 'attempt_error', detail: string) => void): void;
  /** True when the disconnect just reported is the protocol's normal course (an SSE stream the server ended): counted, not an error. */
  cleanEnd?(reason: string): boolean;
  /** True when, after the disconnect just reported, the engine is reconnecting by itself. */
  willReconnect?(reason: string): boolean;
  /** Why an engine that reconnects by itself gave up, appended to "gave up reconnecting" (e.g. `: GET /events answered HTTP 503`), when it knows better than " after N attempts". */
  readonly gaveUp?: string;
  /** True when the latest connection resumed the previous session (Socket.IO connection-state recovery). */
  readonly resumed?: boolean;
  /** The TCP socket under the connection, for network faults (src/clients/network-fault.ts); null when there is none now. */
  netSocket?(): NetSocket | null;
  /** Engines that reconnect by themselves: make no attempt before `untilMs` (monotonic ms; the client is offline). */
  holdReconnect?(untilMs: number): void;
  /** Raw frames (the `ws` engine only): send one. */
  sendRaw?(data: string | Uint8Array): void;
  /** Raw frames (the `ws` engine only): every incoming message the reference protocol did not consume. */
  onRaw?(handler: (message: RawMessage, json: unknown) => void): void;
  close(): void;
}

/** Reconnection after an unexpected disconnect (exponential backoff with ±50 % jitter). */
export interface ReconnectPolicy {
  attempts: number;
  delayMs: number;
  maxDelayMs: number;
}

/** Options every engine gets. */
export interface TransportOptions {
  /** http(s) URL of the server (the engine derives ws:// and its path). */
  target: string;
  path: string;
  localAddress: string;
  transports: Array<'websocket' | 'polling'>;
  /** Timeout of one connection attempt, also of each automatic reconnection attempt. */
  connectTimeoutMs?: number;
  /** Reconnect after unexpected disconnects (engines with their own reconnection use it), or null. */
  reconnect?: ReconnectPolicy | null;
  /** Namespace, auth, query and headers of the handshake (default: the target's path as namespace, its query). */
  connect?: ResolvedConnect;
  /** Per-target values computed once (parsed URLs, TLS context), owned by the caller; absent: computed per connection. */
  memo?: EngineMemo;
  /** `ws` engine: 'raw' reads no frame as rtbench's reference protocol (every frame reaches `onMessage`/`request`); default 'reference'. */
  protocol?: 'reference' | 'raw';
  /** socket.io-lean: the client's connection-state recovery, shared by its successive connections (absent: none asked for). */
  resume?: ResumeState;
}

/** Error kinds a client operation fails with; they key the result's error table. */
export type ClientErrorKind =
  | 'connect_error'
  | 'session_unknown'
  | 'connect_timeout'
  | 'ack_timeout'
  | 'wait_timeout'
  | 'request_timeout'
  | 'session_error'
  | 'disconnected'
  | 'server_error'
  | 'reconnect_failed'
  | 'emfile'
  | 'port_exhaustion'
  | 'tls_error'
  | 'protocol_mismatch'
  | 'http_error'
  | 'stream_cut'
  | 'stream_timeout';

/** A failed client operation, classified. */
export class ClientOpError extends Error {
  readonly kind: ClientErrorKind;
  constructor(kind: ClientErrorKind, message: string) {
    super(message);
    this.name = 'ClientOpError';
    this.kind = kind;
  }
}
