import { withQuery } from './connect-options.ts';
import { openSse, type SseEvent } from './sse-http.ts';
import { ClientOpError, type Transport, type TransportOptions } from './types.ts';

/**
 * The `sse` engine: Server-Sent Events, as browsers' EventSource reads them. `connect()` opens a
 * `text/event-stream` GET (the connect options' `path`, else the target's path, else the
 * scenario's `path`; their query and headers) and keeps it open; every event reaches `onEvent`
 * under its name (`message` when it has none) with arguments `[data, id]`: `data` parsed as JSON
 * when it parses, `id` the stream's last event id (as `MessageEvent.lastEventId`).
 *
 * Reconnection is the engine's own, as EventSource's: when the server ends the stream or the
 * connection breaks, it connects again after the server's `retry:` (else the scenario's
 * `reconnect.delay`), sending `Last-Event-ID` once the stream gave an id; each failed attempt
 * doubles the wait (up to `reconnect.maxDelay`, at least `retry`), and it gives up after
 * `reconnect.attempts` failed attempts in a row, or at once when the server answers with a non-2xx
 * status or another content type (EventSource "fails the connection" then). It reports through
 * `onReconnect`; `resumed` (read by the session client: `recovery.resumed` or `recovery.fresh`) tells whether the latest reconnection sent a `Last-Event-ID`.
 * Sending is not part of SSE: `emit`/`emitWithAck` are refused (token streams: `client.stream`).
 */
export class SseTransport implements Transport {
  private abort: (() => void) | null = null;
  private eventHandler: ((event: string, args: unknown[]) => void) | null = null;
  private disconnectHandler: ((reason: string) => void) | null = null;
  private reconnectHandler: ((event: 'reconnected' | 'failed' | 'attempt_error', detail: string) => void) | null = null;
  private closing = false;
  private lastEventId = '';
  /** The server's `retry:`, once sent (ms). */
  private retryMs: number | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** True when the latest successful reconnection sent a `Last-Event-ID`. */
  resumed = false;
  private readonly url: URL;
  /** Why the reconnection gave up (read by the session client for its `reconnect_failed` sample). */
  gaveUp: string | undefined = undefined;

  constructor(private readonly opts: TransportOptions) {
    const c = opts.connect;
    const target = new URL(opts.target);
    const origin = `${target.protocol === 'wss:' || target.protocol === 'https:' ? 'https:' : 'http:'}//${target.host}`;
    const path = c?.path ?? (target.pathname.replace(/\/+$/, '') || opts.path || '/');
    // the target's query always; the connect options' query (merged with it) when given
    const query: Record<string, string> = c ? c.query : Object.fromEntries(target.searchParams);
    this.url = new URL(Object.keys(query).length ? withQuery(`${origin}${path}`, query) : `${origin}${path}`);
  }

  connect(timeoutMs: number): Promise<void> {
    this.closing = false;
    return this.open(timeoutMs).then((refusal) => {
      if (refusal !== null) throw new ClientOpError('connect_error', refusal);
    });
  }

  /** One GET; resolves null once streaming, else the refusal (a non-2xx status, another content type). */
  private async open(timeoutMs: number): Promise<string | null> {
    const c = this.opts.connect;
    const headers: Record<string, string> = { ...(c?.hasHeaders ? c.headers : {}) };
    if (this.lastEventId !== '') headers['last-event-id'] = this.lastEventId;
    let live = true;
    const r = openSse(
      { url: this.url, method: 'GET', headers, localAddress: this.opts.localAddress, agent: false, timeoutMs },
      {
        event: (e: SseEvent) => {
          if (!live) return;
          if (e.id !== undefined) this.lastEventId = e.id;
          this.eventHandler?.(e.event, [e.data, this.lastEventId]);
        },
        retry: (ms) => {
          this.retryMs = ms;
        },
        end: (clean, reason) => {
          if (!live) return;
          live = false;
          // a stream may end in the chunk that opened it: report it once the caller saw connect() resolve (after its microtasks)
          setImmediate(() => this.ended(clean, reason));
        },
      },
    );
    this.abort = () => {
      live = false;
      r.abort();
    };
    const a = await r.answer;
    if (a.refusal !== null) live = false;
    return a.refusal;
  }

  /** The stream is over (not by close()): report it, and reconnect when the scenario says so. */
  private ended(clean: boolean, reason: string): void {
    if (this.closing) return;
    this.disconnectHandler?.(clean ? 'stream ended by the server' : reason);
    if (this.opts.reconnect) void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    const policy = this.opts.reconnect!;
    const resumed = this.lastEventId !== '';
    for (let i = 0; i < policy.attempts; i++) {
      const retry = this.retryMs ?? policy.delayMs;
      const wait = i === 0 ? retry : Math.max(retry, Math.min(policy.maxDelayMs, retry * 2 ** i));
      await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, wait)));
      this.retryTimer = null;
      if (this.closing) return;
      let refusal: string | null;
      try {
        refusal = await this.open(this.opts.connectTimeoutMs ?? 10_000);
      } catch (e) {
        if (this.closing) return;
        this.reconnectHandler?.('attempt_error', e instanceof Error ? e.message : String(e));
        continue;
      }
      if (this.closing) return this.abort?.();
      if (refusal !== null) {
        this.gaveUp = `: ${refusal} (EventSource stops reconnecting on such an answer)`;
        return this.reconnectHandler?.('failed', this.gaveUp);
      }
      this.resumed = resumed;
      this.reconnectHandler?.('reconnected', resumed ? 'resumed' : 'fresh');
      return;
    }
    this.gaveUp = ` after ${policy.attempts} attempts`;
    this.reconnectHandler?.('failed', this.gaveUp);
  }

  onReconnect(handler: (event: 'reconnected' | 'failed' | 'attempt_error', detail: string) => void): void {
    this.reconnectHandler = handler;
  }

  willReconnect(): boolean {
    return !!this.opts.reconnect && !this.closing;
  }

  /** A server ending the stream is SSE's normal course (browsers reconnect): a disconnect, not an error. */
  cleanEnd(reason: string): boolean {
    return reason === 'stream ended by the server';
  }

  emit(event: string): void {
    throw refused(`client.emit('${event}')`);
  }

  emitWithAck(event: string): Promise<unknown[]> {
    return Promise.reject(refused(`client.emitWithAck('${event}')`));
  }

  onEvent(handler: (event: string, args: unknown[]) => void): void {
    this.eventHandler = handler;
  }

  onDisconnect(handler: (reason: string) => void): void {
    this.disconnectHandler = handler;
  }

  close(): void {
    this.closing = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.abort?.();
    this.abort = null;
  }
}

function refused(call: string): ClientOpError {
  return new ClientOpError(
    'session_error',
    `${call}: engine 'sse' only receives (Server-Sent Events have no way back to the server); send with client.stream(path, { method: 'POST', body }), or use a Socket.IO or ws engine`,
  );
}
