import { monoMs, sleepUntil } from '../util/clock.ts';
import { ClientOpError, type AckEmitter, type Client, type Transport, type WorkerInfo } from './types.ts';

/** Where a client reports what it measures (the generator's Recorder satisfies it). */
export interface MetricsSink {
  record(metric: string, ms: number): void;
  count(name: string, n?: number): void;
  error(kind: string, message: string): void;
  worker(id: string): void;
  connectedDelta(d: 1 | -1): void;
}

export interface SessionClientOptions {
  id: number;
  sourceAddress: string;
  /** Intended start of the session (monotonic ms): the session's clock starts here. */
  intendedStart: number;
  ackTimeoutMs: number;
  connectTimeoutMs: number;
  random: () => number;
}

/**
 * The timed Client API over an engine's Transport.
 *
 * Timing rule: the client keeps an *intended clock*. An operation is timed from the intended
 * clock, not from when it actually began, so lateness (a stalled server, a saturated generator)
 * is counted. After an operation completes the intended clock moves to its completion time;
 * `think` advances it by the pause; `every` resets it to each iteration's scheduled time.
 */
export class SessionClient implements Client {
  readonly id: number;
  readonly sourceAddress: string;
  worker: WorkerInfo | null = null;
  connected = false;
  private cursor: number;
  private readonly handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  private lastSeq: Map<string, number> | null = null;
  private transport: Transport | null = null;
  /** Worker of the previous connection, while reconnecting (stickiness check). */
  private previousWorker: string | null = null;

  constructor(
    private readonly makeTransport: () => Transport,
    private readonly sink: MetricsSink,
    private readonly opts: SessionClientOptions,
  ) {
    this.id = opts.id;
    this.sourceAddress = opts.sourceAddress;
    this.cursor = opts.intendedStart;
  }

  async connect(): Promise<void> {
    await this.open('connect');
  }

  async reconnect(): Promise<void> {
    this.previousWorker = this.worker?.id ?? null;
    await this.disconnect();
    this.worker = null;
    this.lastSeq = null;
    await this.open('reconnect');
  }

  private async open(metric: 'connect' | 'reconnect'): Promise<void> {
    if (this.connected) return;
    const intended = this.reference();
    const t = this.makeTransport();
    this.transport = t;
    t.onEvent((event, args) => this.dispatch(event, args));
    t.onDisconnect((reason) => {
      if (this.transport !== t || !this.connected) return;
      this.connected = false;
      this.sink.connectedDelta(-1);
      this.sink.error('disconnected', `server closed the connection: ${reason}`);
    });
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

  emit(event: string, ...args: unknown[]): void {
    this.requireConnected(event);
    this.transport!.emit(event, args);
    this.sink.count('messages.sent');
  }

  emitWithAck<T = unknown>(event: string, ...args: unknown[]): Promise<T> {
    return this.ack<T>(event, args, this.opts.ackTimeoutMs);
  }

  timeout(ms: number): AckEmitter {
    return { emitWithAck: <T>(event: string, ...args: unknown[]) => this.ack<T>(event, args, ms) };
  }

  on(event: string, handler: (...args: unknown[]) => void): void {
    const list = this.handlers.get(event);
    if (list) list.push(handler);
    else this.handlers.set(event, [handler]);
  }

  waitFor(event: string, timeoutMs = this.opts.ackTimeoutMs): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const handler = (...args: unknown[]): void => {
        clearTimeout(timer);
        this.off(event, handler);
        resolve(args);
      };
      const timer = setTimeout(() => {
        this.off(event, handler);
        const err = new ClientOpError('wait_timeout', `no \`${event}\` event within ${timeoutMs}ms`);
        this.sink.error(err.kind, err.message);
        reject(err);
      }, timeoutMs);
      this.on(event, handler);
    });
  }

  async join(room: string): Promise<void> {
    await this.ack('join', [room], this.opts.ackTimeoutMs);
  }

  async leave(room: string): Promise<void> {
    await this.ack('leave', [room], this.opts.ackTimeoutMs);
    if (this.lastSeq) for (const k of [...this.lastSeq.keys()]) if (k.startsWith(`${room}\0`)) this.lastSeq.delete(k);
  }

  async broadcast(room: string, data?: unknown): Promise<void> {
    await this.ack('broadcast', [room, { ts: monoMs(), data }], this.opts.ackTimeoutMs);
  }

  async think(ms: number | [number, number]): Promise<void> {
    const d = Array.isArray(ms) ? ms[0] + (ms[1] - ms[0]) * this.opts.random() : ms;
    this.cursor += Math.max(0, d);
    await sleepUntil(this.cursor);
  }

  async every(intervalMs: number, count: number, fn: (i: number) => Promise<void> | void): Promise<void> {
    const base = this.cursor;
    for (let i = 0; i < count; i++) {
      const at = base + i * intervalMs;
      await sleepUntil(at);
      this.cursor = at;
      await fn(i);
    }
  }

  async disconnect(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    if (this.connected) {
      this.connected = false;
      this.sink.connectedDelta(-1);
    }
    t?.close();
  }

  private async ack<T>(event: string, args: unknown[], timeoutMs: number): Promise<T> {
    this.requireConnected(event);
    const intended = this.reference();
    this.sink.count('messages.sent');
    let reply: unknown[];
    try {
      reply = await this.transport!.emitWithAck(event, args, timeoutMs);
    } catch (e) {
      this.fail(e, 'ack_timeout');
    }
    const done = monoMs();
    const ms = done - intended;
    this.sink.record('ack', ms);
    this.sink.record(`ack:${event}`, ms);
    this.sink.count('messages.received');
    this.cursor = done;
    const first = reply[0];
    if (first && typeof first === 'object' && 'error' in first && Object.keys(first).length === 1) {
      const err = new ClientOpError('server_error', `server answered \`${event}\` with an error: ${String((first as { error: unknown }).error)}`);
      this.sink.error(err.kind, err.message);
      throw err;
    }
    return first as T;
  }

  /**
   * What an operation starting now is timed from: its intended time when it starts late (so the
   * lateness counts), or now when a timer woke us a little early (so the round trip is never
   * shortened).
   */
  private reference(): number {
    return Math.min(this.cursor, monoMs());
  }

  private requireConnected(event: string): void {
    if (!this.connected) {
      const err = new ClientOpError('disconnected', `\`${event}\` sent while not connected (call client.connect() first)`);
      this.sink.error(err.kind, err.message);
      throw err;
    }
  }

  private fail(e: unknown, fallback: ClientOpError['kind']): never {
    const err = e instanceof ClientOpError ? e : new ClientOpError(fallback, e instanceof Error ? e.message : String(e));
    this.sink.error(err.kind, err.message);
    throw err;
  }

  private off(event: string, handler: (...args: unknown[]) => void): void {
    const list = this.handlers.get(event);
    if (!list) return;
    const i = list.indexOf(handler);
    if (i >= 0) list.splice(i, 1);
  }

  private dispatch(event: string, args: unknown[]): void {
    const now = monoMs();
    if (event === 'welcome') {
      const w = (args[0] as { worker?: WorkerInfo } | undefined)?.worker;
      if (w && typeof w.id === 'string' && this.worker === null) {
        this.worker = w;
        this.sink.worker(w.id);
        if (this.previousWorker !== null) {
          this.sink.count(w.id === this.previousWorker ? 'reconnect.sameWorker' : 'reconnect.otherWorker');
          this.previousWorker = null;
        }
      }
    } else if (event === 'broadcast' || event === 'push') {
      this.sink.count('messages.received');
      const msg = args[0] as { ts?: unknown; seq?: unknown; room?: unknown } | undefined;
      if (msg && typeof msg.ts === 'number') this.sink.record(event, now - msg.ts);
      // a stream is one room's broadcasts from one origin worker (each worker numbers its own)
      if (msg && typeof msg.seq === 'number') this.checkSeq(event === 'push' ? '\0push' : `${String(msg.room)}\0${String((msg as { origin?: unknown }).origin ?? '')}`, msg.seq, event);
    } else {
      this.sink.count('messages.received');
    }
    const list = this.handlers.get(event);
    if (list) for (const h of [...list]) h(...args);
  }

  /** Per-stream sequence check: counts gaps (lost) and out-of-order/duplicate deliveries. */
  private checkSeq(stream: string, seq: number, event: string): void {
    this.lastSeq ??= new Map();
    const last = this.lastSeq.get(stream);
    if (last !== undefined) {
      if (seq > last + 1) this.sink.count(`${event}.gaps`, seq - last - 1);
      else if (seq <= last) this.sink.count(`${event}.outOfOrder`);
    }
    if (last === undefined || seq > last) this.lastSeq.set(stream, seq);
  }
}
