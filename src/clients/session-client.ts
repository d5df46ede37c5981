import type { MetricsSink } from '../metrics/sink.ts';
import { monoMs, sleepUntil } from '../shared/clock.ts';
import { mergeConnect, type ConnectOptions } from './connect-options.ts';
import { EventHandlers, waitForEvent } from './handlers.ts';
import { openLoop } from './open-loop.ts';
import type { NetworkFaultKind } from './network-fault.ts';
import { ClientWeather, engineRecovery, hitClient, loopRecovery } from './recovery.ts';
import { RECOVERY_NEVER, RECOVERY_ONLINE } from '../metrics/names.ts';
import { recordStamped, SequenceCheck, streamOf } from './sequence.ts';
import { ChannelCalls } from './session-channels.ts';
import type { SessionCore } from './session-core.ts';
import type { SessionClientOptions } from './session-options.ts';
import { RawCalls } from './session-raw.ts';
import { SocketIoCalls } from './session-socketio.ts';
import { TimedSession } from './session-timing.ts';
import { TokenStreams } from './sse-stream.ts';
import {
  ClientOpError,
  type AckEmitter,
  type Client,
  type MessageMatch,
  type RawMessage,
  type ReconnectInfo,
  type RequestOptions,
  type StreamOptions,
  type StreamResult,
  type Transport,
  type WorkerInfo,
} from './types.ts';

/**
 * The timed Client API over an engine's Transport.
 *
 * Timing rule: the client keeps an *intended clock*. An operation is timed from the intended
 * clock, not from when it actually began, so lateness (a stalled server, a saturated generator)
 * is counted. After an operation completes the intended clock moves to its completion time;
 * `think` advances it by the pause; `every` resets it to each iteration's scheduled time.
 *
 * This class holds the connection, the intended clock and what arrives; each engine family's
 * calls live with their family and are handed the same core: Socket.IO's emit, acks and rooms
 * (session-socketio.ts), channels (session-channels.ts), raw WebSocket frames (session-raw.ts).
 */
export class SessionClient extends TimedSession implements Client {
  readonly id: number;
  readonly sourceAddress: string;
  worker: WorkerInfo | null = null;
  /** The scenario's `on()` handlers, created on first use (as the calls below: an idle client holds none of them). */
  private handlers: EventHandlers | null = null;
  private lastSeq: SequenceCheck | null = null;
  /** Worker of the previous connection, while reconnecting (stickiness check), and why. */
  private previousWorker: { id: string; via: 'reconnect' | 'recovery' } | null = null;
  /** Set by disconnect(): the session is over, stop any reconnection. */
  private closed = false;
  /** The options of the last `connect()`, reused by `reconnect()` and automatic reconnection. */
  private connectOptions: ConnectOptions | null = null;
  private defaults: ConnectOptions | undefined | null = null;
  private ioCalls: SocketIoCalls | null = null;
  private channelCalls: ChannelCalls | null = null;
  private rawCalls: RawCalls | null = null;
  private sessionCore: SessionCore | null = null;
  /** `client.stream()` requests (`sse` engine), created on first use. */
  private streams: TokenStreams | null = null;
  /** The `sequences` check, offline holds and `onReconnect` handlers (src/clients/recovery.ts); null with neither sequences nor reconnection. */
  private readonly weather: ClientWeather | null;

  constructor(
    private readonly makeTransport: (connect: ConnectOptions) => Transport,
    sink: MetricsSink,
    opts: SessionClientOptions,
  ) {
    super(sink, opts);
    this.id = opts.id;
    this.sourceAddress = opts.sourceAddress;
    this.weather = opts.delivery || opts.reconnect ? new ClientWeather(sink, opts) : null;
  }

  private get io(): SocketIoCalls {
    return (this.ioCalls ??= new SocketIoCalls(this.core()));
  }
  private get pubsub(): ChannelCalls {
    return (this.channelCalls ??= new ChannelCalls(this.core()));
  }
  private get frames(): RawCalls {
    return (this.rawCalls ??= new RawCalls(this.core()));
  }

  private core(): SessionCore {
    return (this.sessionCore ??= {
      sink: this.sink,
      opts: this.opts,
      transport: () => this.transport,
      reconnecting: () => !this.connected && this.recovering !== null,
      requireConnected: (what) => this.requireConnected(what),
      timed: (name, timeoutMs, op, kind) => this.timed(name, timeoutMs, op, kind),
      ack: (event, args, timeoutMs) => this.ack(event, args, timeoutMs),
      fail: (e, fallback) => this.fail(e, fallback),
      forgetStreams: (prefix) => this.lastSeq?.forgetPrefix(prefix),
    });
  }

  async connect(options?: ConnectOptions): Promise<void> {
    // a `connect(ctx)` function, async or not, is awaited once per client (e.g. a login per user)
    if (this.defaults === null) this.defaults = await this.opts.connectDefaults?.();
    this.connectOptions = mergeConnect(this.defaults, options);
    await this.open('connect');
  }

  async reconnect(): Promise<void> {
    this.previousWorker = this.worker ? { id: this.worker.id, via: 'reconnect' } : null;
    await this.disconnect();
    this.worker = null;
    this.lastSeq = null;
    await this.open('reconnect');
    this.weather?.delivery?.reconnected();
  }

  private async open(metric: 'connect' | 'reconnect'): Promise<void> {
    if (this.connected) return;
    this.closed = false;
    const intended = this.reference();
    const t = this.wire(this.makeTransport(this.connectOptions ?? {}));
    try {
      await t.connect(this.opts.connectTimeoutMs);
    } catch (e) {
      this.fail(e, 'connect_error');
    }
    const done = monoMs();
    this.connected = true;
    this.sink.connectedDelta(1);
    this.sink.record(metric, done - intended);
    this.cursor = done;
  }

  /** Make `t` the current transport and listen to it. */
  private wire(t: Transport): Transport {
    this.transport = t;
    t.onEvent((event, args) => this.dispatch(event, args));
    if (t.listen && this.handlers) for (const event of this.handlers.events()) t.listen(event);
    t.onDisconnect((reason) => this.lost(t, reason));
    const d = this.weather?.delivery ?? null;
    t.onRaw?.(d === null ? (m, json) => this.frames.dispatch(m, json) : (m, json) => (d.onRaw(m, json), this.frames.dispatch(m, json)));
    return t;
  }

  /** The connection dropped without us closing it: count it, and reconnect when the scenario says so. */
  private lost(t: Transport, reason: string): void {
    if (this.transport !== t || !this.connected) return;
    this.connected = false;
    this.sink.connectedDelta(-1);
    this.sink.count('disconnects');
    const since = this.sink.sinceFault?.() ?? null;
    if (since !== null) this.sink.record('detect', since);
    if (!t.cleanEnd?.(reason)) this.sink.error('disconnected', this.weather?.lostReason(reason) ?? `server closed the connection: ${reason}`);
    // as pending acks: no reply can come on a closed connection
    this.rawCalls?.failAll(() => new ClientOpError('disconnected', `connection closed before a matching message: ${reason}`));
    const policy = this.opts.reconnect;
    if (!policy || this.closed) return;
    this.weather?.delivery?.disconnected();
    this.previousWorker = this.worker ? { id: this.worker.id, via: 'recovery' } : null;
    this.worker = null;
    const started = monoMs();
    const offlineUntil = this.weather?.offlineUntil ?? 0; // a network fault's drop: the clock of `recovery:online` starts when the client is back online
    const engineDoesIt = t.onReconnect !== undefined && t.willReconnect?.(reason) === true;
    const closed = (): boolean => this.closed;
    const recovery = engineDoesIt
      ? engineRecovery(t, this.sink, closed)
      : loopRecovery(policy, this.opts, this.sink, closed, () => this.wire(this.makeTransport(this.connectOptions ?? {})), this.weather?.offlineUntil ?? 0);
    this.recovering = recovery.then(async (ok) => {
      this.recovering = null;
      if (this.closed) return false;
      if (!ok) {
        this.sink.count('recovery.failed');
        this.sink.count(RECOVERY_NEVER);
        this.sink.error(
          'reconnect_failed',
          `gave up reconnecting${engineDoesIt && t.gaveUp ? t.gaveUp : ` after ${policy.attempts} attempts`} (last disconnect: ${reason})`,
        );
        return false;
      }
      this.connected = true;
      this.sink.connectedDelta(1);
      this.sink.count('recovered');
      this.lastSeq?.forget('\0push'); // pushes are numbered per connection: a new connection starts a new stream
      const now = monoMs();
      this.sink.record('recovery', now - started);
      this.sink.record(RECOVERY_ONLINE, now - Math.max(started, offlineUntil));
      await this.weather!.reconnected(this.transport, async () => (await this.ioCalls?.rejoin(), await this.channelCalls?.resubscribe()));
      return true;
    });
  }

  emit(event: string, ...args: unknown[]): void {
    this.io.emit(event, args);
  }

  emitWithAck<T = unknown>(event: string, ...args: unknown[]): Promise<T> {
    return this.ack<T>(event, args, this.opts.ackTimeoutMs);
  }

  timeout(ms: number): AckEmitter {
    return this.io.timeout(ms);
  }

  on(event: string, handler: (...args: unknown[]) => void): void {
    // a user's on() handler that throws: a session_error (message and line), not a crashed generator
    this.handlers ??= new EventHandlers((e) =>
      this.sink.error('session_error', this.opts.describeError?.(e) ?? (e instanceof Error ? `${e.name}: ${e.message}` : String(e))),
    );
    if (this.handlers.add(event, handler)) this.transport?.listen?.(event);
  }

  waitFor(event: string, timeoutMs = this.opts.ackTimeoutMs): Promise<unknown[]> {
    return waitForEvent(
      event,
      timeoutMs,
      (h) => this.on(event, h),
      (h) => this.handlers?.remove(event, h),
      (e) => this.sink.error(e.kind, e.message),
    );
  }

  join(room: string): Promise<void> {
    return this.io.join(room);
  }

  leave(room: string): Promise<void> {
    return this.io.leave(room);
  }

  broadcast(room: string, data?: unknown): Promise<void> {
    return this.io.broadcast(room, data);
  }

  subscribe(channel: string): Promise<void> {
    return this.pubsub.subscribe(channel);
  }

  unsubscribe(channel: string): Promise<void> {
    return this.pubsub.unsubscribe(channel);
  }

  publish(channel: string, data?: unknown): Promise<void> {
    return this.pubsub.publish(channel, data);
  }

  /** Not async: a suspended async frame per idle client costs ~0.3 KB (BENCHMARKS.md, 100,000 connections). */
  think(ms: number | [number, number]): Promise<void> {
    const d = Array.isArray(ms) ? ms[0] + (ms[1] - ms[0]) * this.opts.random() : ms;
    this.cursor += Math.max(0, d);
    return sleepUntil(this.cursor);
  }

  /** Open loop from the intended clock (src/clients/open-loop.ts): each iteration is timed from its scheduled time. */
  every(intervalMs: number, count: number, fn: (i: number) => Promise<void> | void): Promise<void> {
    return openLoop(
      { base: this.cursor, intervalMs, count, startAt: (at) => void (this.cursor = at), capped: () => this.sink.count('every.overlapCapped') },
      fn,
    );
  }

  async disconnect(): Promise<void> {
    if (this.recovering !== null && !this.connected && !this.closed) this.sink.count(RECOVERY_NEVER); // ended still disconnected: never came back
    this.closed = true;
    const t = this.transport;
    this.transport = null;
    if (this.connected) {
      this.connected = false;
      this.sink.connectedDelta(-1);
    }
    t?.close();
    this.streams?.close();
    this.rawCalls?.failAll(() => new ClientOpError('disconnected', 'client disconnected while waiting for a message'));
  }

  onReconnect(handler: (info: ReconnectInfo) => void | Promise<void>): void {
    this.weather?.add(handler); // without reconnection there is none to run it after
  }

  /** A network fault on this client's connection (src/clients/network-fault.ts); false when it has none to hit now. */
  networkFault(kind: NetworkFaultKind, ms: number): boolean {
    return hitClient(this.connected ? this.transport : null, kind, ms, this.weather);
  }

  send(data: string | Uint8Array): void {
    this.frames.send(data);
  }

  onMessage(handler: (message: RawMessage, json: unknown) => void): void {
    this.frames.onMessage(handler);
  }

  waitForMessage(match: MessageMatch, timeoutMs?: number): Promise<RawMessage> {
    return this.frames.waitForMessage(match, timeoutMs);
  }

  request(data: string | Uint8Array, match: MessageMatch, options?: RequestOptions): Promise<RawMessage> {
    return this.frames.request(data, match, options);
  }

  /** A token stream (src/clients/sse-stream.ts), timed from the intended clock. */
  async stream(path: string, options: StreamOptions = {}): Promise<StreamResult> {
    const origin = this.opts.streamOrigin;
    if (!origin)
      this.fail(
        new ClientOpError(
          'session_error',
          "`client.stream()` reads an HTTP event stream and needs engine 'sse': set `engine: 'sse'` (a Socket.IO or ws connection has no such request)",
        ),
        'session_error',
      );
    if (this.defaults === null) this.defaults = await this.opts.connectDefaults?.();
    const headers = (): Record<string, string> => ({ ...this.defaults?.headers, ...this.connectOptions?.headers });
    const { result, doneAt } = await (this.streams ??= new TokenStreams({ origin, localAddress: this.sourceAddress, headers }, this.sink)).run(
      path,
      options,
      this.reference(),
    );
    this.cursor = doneAt;
    return result;
  }

  private dispatch(event: string, args: unknown[]): void {
    const now = monoMs();
    if (event === 'welcome') {
      const w = (args[0] as { worker?: WorkerInfo } | undefined)?.worker;
      if (w && typeof w.id === 'string' && this.worker === null) {
        this.worker = w;
        this.sink.worker(w.id);
        if (this.previousWorker !== null) {
          this.sink.count(`${this.previousWorker.via}.${w.id === this.previousWorker.id ? 'sameWorker' : 'otherWorker'}`);
          this.previousWorker = null;
        }
      }
    } else if (event === 'broadcast' || event === 'push' || event === 'publish') {
      this.sink.count('messages.received');
      const msg = args[0] as { ts?: unknown; seq?: unknown; room?: unknown; channel?: unknown; origin?: unknown } | undefined;
      if (msg && typeof msg.ts === 'number') recordStamped(this.sink, event, now + (this.opts.clockOffsetMs ?? 0) - msg.ts); // across hosts: on the reference clock
      // a stream is one room's broadcasts (one channel's messages) from one origin worker process (each numbers its own; a respawned worker starts a new stream)
      if (msg && typeof msg.seq === 'number') (this.lastSeq ??= new SequenceCheck(this.sink)).check(streamOf(event, msg), msg.seq, event);
    } else {
      this.sink.count('messages.received');
    }
    if (this.weather?.delivery) this.weather.delivery.onEvent(event, args);
    this.handlers?.call(event, args);
  }
}
