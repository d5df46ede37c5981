import { performance } from 'node:perf_hooks';
import {
  ACK,
  BINARY_ACK,
  BINARY_EVENT,
  CONNECT,
  CONNECT_ERROR,
  DEFAULT_MAX_ATTACHMENTS,
  DISCONNECT,
  EVENT,
  decodePacket,
  encodePacket,
  reconstructPacket,
  type Decoded,
  type Packet,
  parseOpenPacket,
} from './lean/parser.ts';
import { LeanAcks, PendingAck } from './lean/acks.ts';
import { msgpackCodec, type MsgpackCodec } from './lean/msgpack.ts';
import { noConnectReply } from './parser-hint.ts';
import { WsClient, type WsOwner } from './lean/wsclient.ts';
import { LeanResume } from './lean/resume.ts';
import { CLOSED, CONNECTED, IDLE, JOINING, OPENING } from './lean/states.ts';
import { engineUrl, namespaceOf } from './lean/urls.ts';

export { engineUrl } from './lean/urls.ts';
import type { Socket as NetSocket } from 'node:net';
import { classifyError } from './classify.ts';
import { withQuery } from './connect-options.ts';
import { ClientOpError, type Transport, type TransportOptions } from './types.ts';

/** Options of the lean engine beyond what every engine gets (programmatic use only). */
export interface LeanOptions {
  /** Namespace to join. Default: the target URL's path (`http://host/admin` → `/admin`), else `/`. */
  namespace?: string;
  /** Payload of the CONNECT packet (the server reads it as `socket.handshake.auth`). */
  auth?: Record<string, unknown>;
  /** Most binary attachments accepted in one incoming packet. Default 10 (as socket.io-parser). */
  maxAttachments?: number;
}

const NO_OPTIONS: LeanOptions = Object.freeze({});

/**
 * The `socket.io-lean` engine: a Socket.IO v5 / Engine.IO v4 client written for load generation,
 * over one WebSocket of its own minimal client (lean/wsclient.ts; no long-polling, no upgrade, no
 * reconnection, one namespace per connection). Per connection it keeps one WebSocket, at most
 * three timers (connect, heartbeat, one ack sweep timer armed at the earliest ack deadline) and a
 * lazily created Map of pending acks (lean/acks.ts: this class's base). The WebSocket reports to
 * this object's `ws*` methods (`WsOwner`): no listeners or closures per connection.
 */
export class LeanSocketIoTransport extends LeanAcks implements Transport, WsOwner {
  private ws: WsClient | null = null;
  private state = IDLE;
  private readonly nsp: string;
  private readonly nspSuffix: string;
  private hbTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private connectTimeoutMs = 0;
  private connectResolve: (() => void) | null = null;
  private connectReject: ((e: Error) => void) | null = null;
  /** A binary packet waiting for its attachment frames. */
  private binPacket: Packet | null = null;
  private binBuffers: Buffer[] | null = null;
  private eventHandler: ((event: string, args: unknown[]) => void) | null = null;
  private disconnectHandler: ((reason: string) => void) | null = null;
  /** The Engine.IO session id, once open. */
  sid = '';
  /** Connection-state recovery (lean/resume.ts), when the client carries one from connection to connection. */
  private readonly resume: LeanResume | null;
  /** `connect: { parser: 'msgpack' }`: Socket.IO packets as MessagePack binary messages (lean/msgpack.ts); null: the JSON text protocol. */
  private readonly mp: MsgpackCodec | null;

  constructor(
    private readonly opts: TransportOptions,
    private readonly lean: LeanOptions = NO_OPTIONS,
  ) {
    super();
    this.nsp =
      lean.namespace ??
      opts.connect?.namespace ??
      (opts.memo ? opts.memo.get('sio-nsp', opts.target, () => namespaceOf(opts.target)) : namespaceOf(opts.target));
    if (!this.nsp.startsWith('/')) throw new Error(`namespace must start with '/' (got ${JSON.stringify(this.nsp)})`);
    this.nspSuffix = this.nsp === '/' ? '' : `${this.nsp},`;
    this.mp = opts.connect?.parser === 'msgpack' ? (opts.memo ? opts.memo.get('msgpack', '', msgpackCodec) : msgpackCodec()) : null;
    this.resume = opts.resume ? new LeanResume(opts.resume) : null;
  }

  get resumed(): boolean {
    return this.resume?.resumed === true;
  }

  netSocket(): NetSocket | null {
    return this.state === CONNECTED ? (this.ws?.tcp ?? null) : null;
  }

  /** True while connected to the namespace. */
  get connected(): boolean {
    return this.state === CONNECTED;
  }

  connect(timeoutMs: number): Promise<void> {
    if (this.state !== IDLE) return Promise.reject(new ClientOpError('connect_error', 'connect() may be called once per transport'));
    return new Promise<void>((resolve, reject) => {
      this.connectResolve = resolve;
      this.connectReject = reject;
      this.connectTimeoutMs = timeoutMs;
      this.state = OPENING;
      this.connectTimer = setTimeout(onConnectTimeout, timeoutMs, this);
      try {
        const c = this.opts.connect;
        const { target, path, memo } = this.opts;
        const url = memo ? memo.get('sio-url', `${path} ${target}`, () => engineUrl(target, path)) : engineUrl(target, path);
        this.ws = new WsClient(c?.hasQuery ? withQuery(url, c.query) : url, this, {
          localAddress: this.opts.localAddress,
          memo,
          ...(c?.hasHeaders ? { headers: c.headers } : {}),
        });
      } catch (e) {
        this.failConnect(new ClientOpError('connect_error', e instanceof Error ? e.message : String(e)));
      }
    });
  }

  emit(event: string, args: unknown[]): void {
    if (this.state !== CONNECTED) return; // as socket.io-client without reconnection: dropped
    this.send(EVENT, -1, args.length === 0 ? [event] : [event, ...args]);
  }

  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    if (this.state !== CONNECTED) return Promise.reject(new ClientOpError('disconnected', `\`${event}\` sent while not connected`));
    return new Promise<unknown[]>((resolve, reject) => {
      const id = this.nextId++;
      const deadline = performance.now() + timeoutMs;
      try {
        this.send(EVENT, id, args.length === 0 ? [event] : [event, ...args]);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      (this.pending ??= new Map()).set(id, new PendingAck(resolve, reject, deadline, event, timeoutMs));
      if (this.ackTimer === null || deadline < this.ackTimerAt) this.armAckTimer(deadline);
    });
  }

  onEvent(handler: (event: string, args: unknown[]) => void): void {
    this.eventHandler = handler;
  }

  onDisconnect(handler: (reason: string) => void): void {
    this.disconnectHandler = handler;
  }

  close(): void {
    const state = this.state;
    if (state === CLOSED) return;
    if (this.connectReject !== null) {
      this.failConnect(new ClientOpError('disconnected', 'closed by the client before connected'));
      return;
    }
    this.state = CLOSED;
    this.clearTimers();
    this.failPending('client disconnected');
    const ws = this.ws;
    if (ws === null) return;
    // Socket.IO DISCONNECT (the server sees "client namespace disconnect") and the close frame, in one write
    if (state === CONNECTED && ws.isOpen) {
      if (this.mp === null) return ws.close(`41${this.nspSuffix}`);
      ws.sendBinary(this.mp.encode(DISCONNECT, this.nsp, -1, undefined));
      ws.close();
    } else ws.terminate();
  }

  // ---- incoming (WsOwner) ---------------------------------------------------------------------

  /** @internal The WebSocket upgrade is done; the server speaks first (Engine.IO open packet). */
  wsOpen(): void {}

  /** @internal One text message: an Engine.IO packet. */
  wsText(s: string): void {
    if (this.state === CLOSED) return;
    switch (s.charCodeAt(0)) {
      case 52: // '4' message: a Socket.IO packet
        if (this.mp !== null) this.drop('parse error', "a text Socket.IO packet, and `parser: 'msgpack'` expects binary ones");
        else if (this.binPacket !== null) this.drop('parse error', 'text packet while waiting for binary attachments');
        else this.packet(decodePacket(s, 1, this.lean.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS));
        return;
      case 50: // '2' ping → pong (echoing a payload, if any)
        if (this.state === OPENING) return this.drop('parse error', 'ping before the Engine.IO open packet');
        this.ws!.sendText(s.length === 1 ? '3' : `3${s.slice(1)}`);
        this.hbTimer?.refresh();
        return;
      case 48: // '0' open
        this.open(s);
        return;
      case 49: // '1' close
        this.drop('transport close', 'Engine.IO close packet');
        return;
      case 51: // '3' pong (not expected in v4), '6' noop
      case 54:
        return;
      default:
        this.drop('parse error', `unknown Engine.IO packet ${JSON.stringify(s.slice(0, 16))}`);
    }
  }

  private open(s: string): void {
    if (this.state !== OPENING) return this.drop('parse error', 'second Engine.IO open packet');
    const hs = parseOpenPacket(s);
    if (typeof hs === 'string') return this.drop('parse error', hs);
    const { pingInterval, pingTimeout } = hs;
    this.sid = hs.sid;
    this.hbTimer = setTimeout(onHeartbeatTimeout, pingInterval + pingTimeout, this);
    this.state = JOINING;
    const own = this.lean.auth ?? this.opts.connect?.auth;
    const auth = this.resume === null ? own : this.resume.auth(own);
    if (this.mp !== null) this.ws!.sendBinary(this.mp.encode(CONNECT, this.nsp, -1, auth));
    else this.ws!.sendText(auth === undefined ? `40${this.nspSuffix}` : `40${this.nspSuffix}${JSON.stringify(auth)}`);
  }

  private packet(p: Decoded): void {
    if (p.type === -1) return this.drop('parse error', p.error);
    if (p.nsp !== this.nsp) return; // another namespace's packet: not ours
    switch (p.type) {
      case EVENT:
        return this.event(p);
      case ACK:
        return this.ack(p);
      case BINARY_EVENT:
      case BINARY_ACK:
        this.binPacket = p;
        this.binBuffers = [];
        return;
      case CONNECT:
        if (this.state === JOINING) {
          this.state = CONNECTED;
          const early = this.resume?.answer(p.data);
          if (early) for (const e of early) this.event(e);
          const resolve = this.connectResolve!;
          this.connectResolve = this.connectReject = null;
          clearTimeout(this.connectTimer!);
          this.connectTimer = null;
          resolve();
        }
        return;
      case CONNECT_ERROR:
        if (this.state === JOINING) {
          const d = p.data as string | { message?: unknown };
          const msg = typeof d === 'string' ? d : typeof d.message === 'string' ? d.message : JSON.stringify(d);
          this.failConnect(new ClientOpError('connect_error', `namespace ${this.nsp} refused the connection: ${msg}`));
        }
        return;
      case DISCONNECT:
        return this.drop('io server disconnect', 'server disconnected the socket');
    }
  }

  /** @internal One binary message: an attachment of the pending binary packet. */
  wsBinary(buf: Buffer): void {
    if (this.state === CLOSED) return;
    if (this.mp !== null) return this.packet(this.mp.decode(buf));
    const p = this.binPacket;
    if (p === null) return this.drop('parse error', 'binary frame without a binary packet');
    const list = this.binBuffers!;
    list.push(buf);
    if (list.length < p.attachments) return;
    this.binPacket = this.binBuffers = null;
    const full = reconstructPacket(p, list);
    if (full.type === -1) return this.drop('parse error', full.error);
    if (full.type === EVENT) this.event(full);
    else this.ack(full);
  }

  private event(p: Packet): void {
    if (this.state !== CONNECTED) return void (this.state === JOINING && this.resume?.hold(p));
    const args = p.data as unknown[];
    if (this.resume !== null) this.resume.seen(args);
    const name = args.shift() as string | number;
    if (p.id >= 0) args.push(this.ackFunction(p.id));
    this.eventHandler?.(typeof name === 'string' ? name : String(name), args);
  }

  /** The callback handed to the session for an event the server emitted with an ack id. */
  private ackFunction(id: number): (...args: unknown[]) => void {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent || this.state !== CONNECTED) return;
      sent = true;
      this.send(ACK, id, args);
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  private send(type: number, id: number, data: unknown): void {
    if (this.mp !== null) return this.ws!.sendBinary(this.mp.encode(type, this.nsp, id, data));
    const enc = encodePacket(type, this.nsp, id, data);
    const ws = this.ws!;
    if (typeof enc === 'string') ws.sendText(`4${enc}`);
    else {
      ws.sendText(`4${enc.text}`);
      for (const b of enc.attachments) ws.sendBinary(b);
    }
  }

  /** @internal */
  connectTimedOut(): void {
    this.connectTimer = null;
    const silent = this.state === JOINING ? this.noReply(null) : null;
    this.failConnect(new ClientOpError('connect_timeout', silent ?? `not connected within ${this.connectTimeoutMs}ms`));
  }

  /** @internal A connect attempt failed: reject it and drop the socket. */
  failConnect(err: ClientOpError): void {
    const reject = this.connectReject;
    if (reject === null) return;
    this.connectResolve = this.connectReject = null;
    this.state = CLOSED;
    this.clearTimers();
    this.ws?.terminate();
    reject(err);
  }

  /**
   * @internal The connection ended (server disconnect, heartbeat timeout, transport error,
   * protocol error). During connect this fails the connect; afterwards it reports `reason`.
   */
  drop(reason: string, detail: string): void {
    if (this.state === CLOSED) return;
    if (this.connectReject !== null) {
      this.failConnect(
        new ClientOpError('connect_error', (this.state === JOINING ? this.noReply(`${reason}: ${detail}`) : null) ?? `${reason} during connect: ${detail}`),
      );
      return;
    }
    this.state = CLOSED;
    this.clearTimers();
    // a protocol or socket error keeps what it was (`transport error: Invalid WebSocket frame: …`)
    const shown = reason === 'transport error' || reason === 'parse error' ? `${reason}: ${detail}` : reason;
    this.failPending(shown);
    const ws = this.ws;
    if (ws !== null) {
      if (reason === 'io server disconnect' && ws.isOpen) ws.close();
      else ws.terminate();
    }
    this.disconnectHandler?.(shown);
  }

  /**
   * @internal A socket error. During connect it is classified (fd or ephemeral-port exhaustion,
   * TLS, plain connect error) as the other engines do; afterwards it is a `transport error`.
   */
  wsError(err: Error): void {
    if (this.connectReject !== null) {
      const c = classifyError(err);
      this.failConnect(new ClientOpError(c.kind, c.message));
    } else this.drop('transport error', err.message);
  }

  /** @internal A non-101 answer to the upgrade: Engine.IO's handshake errors (HTTP 400 with a message). */
  wsRefused(status: number, body: string): void {
    const text = body.trim().slice(0, 200);
    const unknownSession = status === 400 && /session id unknown/i.test(text);
    this.failConnect(new ClientOpError(unknownSession ? 'session_unknown' : 'connect_error', `handshake refused: HTTP ${status}${text ? ` ${text}` : ''}`));
  }

  /** @internal The connection closed (after any wsError / wsRefused, and after our own close()). */
  wsClose(code: number): void {
    this.drop('transport close', `WebSocket closed (${code})`);
  }

  /** Engine.IO answered, Socket.IO did not (src/clients/parser-hint.ts). */
  private noReply(closed: string | null): string {
    return noConnectReply({ nsp: this.nsp, parser: this.mp !== null ? 'msgpack' : 'json', closed, timeoutMs: this.connectTimeoutMs });
  }

  private clearTimers(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    if (this.hbTimer !== null) clearTimeout(this.hbTimer);
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.connectTimer = this.hbTimer = this.ackTimer = null;
    this.binPacket = this.binBuffers = null;
  }
}

// ---- shared timer callbacks (no closure per connection) ----------------------------------------

function onConnectTimeout(t: LeanSocketIoTransport): void {
  t.connectTimedOut();
}

function onHeartbeatTimeout(t: LeanSocketIoTransport): void {
  t.drop('ping timeout', 'no Engine.IO ping within pingInterval + pingTimeout');
}
