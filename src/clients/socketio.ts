import http from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import { monoMs } from '../shared/clock.ts';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { classifyError } from './classify.ts';
import { noConnectReply } from './parser-hint.ts';
import { ClientOpError, type Transport, type TransportOptions } from './types.ts';

/**
 * The `socket.io` engine: socket.io-client v4, full fidelity (what applications run).
 * Reconnection is off unless the scenario sets `reconnect` (or has `faults`): then socket.io-client's
 * own Manager reconnects, as applications do, and reports through `onReconnect`.
 */
export class SocketIoTransport implements Transport {
  private readonly socket: Socket;
  private disconnectHandler: ((reason: string) => void) | null = null;
  private reconnectHandler: ((event: 'reconnected' | 'failed' | 'attempt_error', detail: string) => void) | null = null;
  private closing = false;
  /** Why the connection last ended (socket.io-client reports it before failing the pending acks). */
  private lastDisconnect = 'client disconnected';
  private everConnected = false;
  private readonly reconnects: boolean;
  private readonly nsp: string;
  private readonly delayMs: number;
  private readonly parser: 'json' | 'msgpack' | 'module';
  /** True once Engine.IO answered the handshake of the current connection attempt. */
  private engineOpen = false;

  constructor(opts: TransportOptions) {
    const c = opts.connect;
    // io(url) takes the namespace from the URL's path: origin + namespace, as `io('http://host/chat')`
    const origin = new URL(opts.target).origin;
    const url = c ? `${origin}${c.namespace === '/' ? '' : c.namespace}` : opts.target;
    this.socket = io(url, {
      path: opts.path,
      transports: opts.transports,
      withCredentials: true, // keeps cookies (e.g. HAProxy's SERVERID) across long-polling requests
      forceNew: true,
      reconnection: !!opts.reconnect,
      ...(opts.connectTimeoutMs ? { timeout: opts.connectTimeoutMs } : {}),
      ...(opts.reconnect
        ? {
            reconnectionAttempts: opts.reconnect.attempts,
            reconnectionDelay: opts.reconnect.delayMs,
            reconnectionDelayMax: opts.reconnect.maxDelayMs,
            randomizationFactor: 0.5,
          }
        : {}),
      autoConnect: false,
      ...(c?.auth ? { auth: c.auth } : {}),
      ...(c?.hasQuery ? { query: c.query } : {}),
      ...(c?.hasHeaders ? { extraHeaders: c.headers } : {}),
      ...(c?.parser ? { parser: c.parser === 'msgpack' ? msgpackParser : c.parser } : {}),
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      // long-polling requests go through an agent bound to the same source address
      ...(opts.transports.includes('polling') ? { agent: new http.Agent({ localAddress: opts.localAddress, keepAlive: true, maxSockets: 2 }) } : {}),
    } as Parameters<typeof io>[1]);
    this.reconnects = !!opts.reconnect;
    this.delayMs = opts.reconnect?.delayMs ?? 0;
    this.parser = c?.parser === undefined ? 'json' : c.parser === 'msgpack' ? 'msgpack' : 'module';
    this.socket.io.on('open', () => void (this.engineOpen = true));
    this.nsp = c?.namespace ?? (new URL(opts.target).pathname.replace(/\/+$/, '') || '/');
    this.socket.on('connect', () => {
      if (this.everConnected) this.reconnectHandler?.('reconnected', '');
      this.everConnected = true;
    });
    this.socket.io.on('reconnect_error', (e: Error) => this.reconnectHandler?.('attempt_error', describe(e)));
    this.socket.io.on('reconnect_failed', () => this.reconnectHandler?.('failed', 'gave up'));
  }

  /** socket.io-client's own verdict: the server resumed the session (connection-state recovery). */
  get resumed(): boolean {
    return this.socket.recovered === true;
  }

  /** The TCP socket of the WebSocket transport (engine.io-client over \`ws\`); null on long-polling or when not open. */
  netSocket(): NetSocket | null {
    const transport = (this.socket.io as unknown as { engine?: { transport?: { name?: string; ws?: { _socket?: NetSocket | null } } } }).engine?.transport;
    return transport?.name === 'websocket' ? (transport.ws?._socket ?? null) : null;
  }

  /**
   * Offline until \`untilMs\`: the Manager makes its first attempt then (or after its first backoff
   * delay if later), through its public options: a first delay of that length, without jitter,
   * restored at the attempt.
   */
  holdReconnect(untilMs: number): void {
    if (!this.reconnects) return;
    const m = this.socket.io;
    const wait = Math.max(untilMs - monoMs(), this.delayMs * (0.5 + Math.random()));
    const delay = m.reconnectionDelay();
    const max = m.reconnectionDelayMax();
    const jitter = m.randomizationFactor();
    m.reconnectionDelay(wait).reconnectionDelayMax(Math.max(max, wait)).randomizationFactor(0);
    // the Manager's backoff already holds the first delay when reconnect_attempt fires: restore the rest
    m.once('reconnect_attempt', () => void m.reconnectionDelay(delay).reconnectionDelayMax(max).randomizationFactor(jitter));
  }

  onReconnect(handler: (event: 'reconnected' | 'failed' | 'attempt_error', detail: string) => void): void {
    this.reconnectHandler = handler;
  }

  /** socket.io-client reconnects after anything but a deliberate disconnect by either side. */
  willReconnect(reason: string): boolean {
    return this.reconnects && reason !== 'io server disconnect' && reason !== 'io client disconnect';
  }

  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = this.socket;
      const done = (err?: ClientOpError): void => {
        clearTimeout(timer);
        this.socket.io.off('close', onEngineClose);
        s.off('connect', onConnect);
        s.off('connect_error', onError);
        if (err) {
          s.disconnect();
          reject(err);
        } else resolve();
      };
      const onConnect = (): void => done();
      const onError = (e: Error): void => {
        const c = classifyError(e);
        // a namespace middleware's refusal (`next(new Error('unauthorized'))`): the server's message, as the sample
        const refusal = (e as { type?: unknown }).type === undefined && e.message !== 'timeout';
        done(
          new ClientOpError(
            c.kind,
            c.kind !== 'connect_error' ? c.message : refusal ? `namespace ${this.nsp} refused the connection: ${e.message}` : describe(e),
          ),
        );
      };
      // Engine.IO answered, Socket.IO did not: name the parser option (a mismatch looks exactly so)
      const silent = (closed: string | null): string => noConnectReply({ nsp: this.nsp, parser: this.parser, closed, timeoutMs });
      const timer = setTimeout(
        () => done(new ClientOpError('connect_timeout', this.engineOpen ? silent(null) : `not connected within ${timeoutMs}ms`)),
        timeoutMs,
      );
      const onEngineClose = (reason: string): void => {
        // 'forced close' is the client's own (a refused namespace's CONNECT_ERROR closes the manager before its connect_error)
        if (this.engineOpen && !s.connected && reason !== 'forced close') done(new ClientOpError('connect_error', silent(reason)));
      };
      this.socket.io.once('close', onEngineClose);
      s.on('connect', onConnect);
      s.on('connect_error', onError);
      s.on('disconnect', (reason, description) => {
        // a transport error keeps what it was (`transport error: websocket error: Invalid WebSocket frame: …`)
        const shown = reason === 'transport error' && description instanceof Error ? `${reason}: ${describe(description)}` : reason;
        this.lastDisconnect = this.closing ? 'client disconnected' : shown;
        if (!this.closing) this.disconnectHandler?.(shown);
      });
      s.connect();
    });
  }

  emit(event: string, args: unknown[]): void {
    this.socket.emit(event, ...args);
  }

  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.socket.timeout(timeoutMs).emit(event, ...args, (err: Error | null, ...reply: unknown[]) => {
        // socket.io-client fails the pending acks of a closed connection too ("socket has been disconnected"): not a timeout
        if (err && !this.socket.connected)
          reject(new ClientOpError('disconnected', `connection closed before the ack of \`${event}\`: ${this.lastDisconnect}`));
        else if (err) reject(new ClientOpError('ack_timeout', `no ack for \`${event}\` within ${timeoutMs}ms`));
        else resolve(reply);
      });
    });
  }

  onEvent(handler: (event: string, args: unknown[]) => void): void {
    this.socket.onAny((event: string, ...args: unknown[]) => handler(event, args));
  }

  onDisconnect(handler: (reason: string) => void): void {
    this.disconnectHandler = handler;
  }

  close(): void {
    this.closing = true;
    this.socket.disconnect();
    this.socket.removeAllListeners();
  }
}

/** The HTTP status of a failed long-polling request (engine.io-client puts it in `description`). */
function httpStatus(e: Error): number | null {
  const d = (e as { description?: unknown }).description;
  return typeof d === 'number' ? d : null;
}

function describe(e: Error): string {
  const status = httpStatus(e);
  if (status === 400) return `${e.message}: HTTP 400 (Engine.IO "Session ID unknown": a polling request reached a worker without the session)`;
  if (status !== null) return `${e.message}: HTTP ${status}`;
  const cause = (e as { description?: { message?: string; code?: string } }).description;
  const detail = cause && typeof cause === 'object' ? (cause.message ?? cause.code) : undefined;
  return detail ? `${e.message}: ${detail}` : e.message;
}
