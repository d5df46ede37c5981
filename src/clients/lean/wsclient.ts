/**
 * A minimal WebSocket client (RFC 6455) over node:net / node:tls, for the lean engine only.
 *
 * Why not the `ws` package: for a short session (connect, a few messages, close) most of the
 * client's CPU went into the connection's life, not the messages: node's http ClientRequest for
 * the upgrade (llhttp, header objects, ~20 listeners), a crypto Hash object, ws's cork/writev of
 * header and payload as two buffers per frame, `setTimeout(0)` on the socket, and three Errors
 * created at every normal close (ws calls `end()` on its receiver, twice, and on the socket after
 * they finished; each such `Writable.end()` builds an ERR_STREAM_ALREADY_FINISHED with a stack
 * trace). This client does only what the lean engine needs:
 *
 * - the upgrade request is ONE latin1 string write: a cached per-target head prefix plus a
 *   random 16-byte base64 key; the response head is parsed by hand and `Sec-WebSocket-Accept`
 *   verified; no extensions and no subprotocol are asked for, and a server that names one is
 *   refused;
 * - every frame is ONE buffer and ONE `socket.write` (header, mask and masked payload in one
 *   allocation); `close(finalText)` sends a last text frame and the close frame in one write;
 * - incoming frames are parsed in place (text decoded straight from the socket's chunk); a
 *   frame that spans chunks is collected as a list of chunk slices and concatenated once;
 * - after the close frames the server closes TCP first (RFC 6455 §7.1.1), so TIME_WAIT and its
 *   port stay on the server, not on the load generator;
 * - events go to an owner object's methods (`WsOwner`) through shared, module-level socket
 *   listeners: no EventEmitter of its own, no closure per connection, and no Error allocated on
 *   the normal path (open, messages, either side's close).
 *
 * Not supported (not needed by Socket.IO): permessage-deflate, subprotocols, redirects, proxies,
 * UTF-8 validation of incoming text. Extra request headers (`headers`) are written into the head.
 *
 * The client is ONE class, written in three files by what each part handles (`WsClient` extends
 * `WsHandshake` extends `WsFrames`: one object per connection, no indirection per frame):
 * - lean/ws-frames.ts: the frame codec (frames in and out, masking, fragments, close codes);
 * - lean/ws-handshake.ts: the per-target request head, the upgrade request and its answer;
 * - this file: the connection's life (connect, close, failures, the end) and its socket listeners.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { EngineMemo } from '../memo.ts';
import { CLOSED, CLOSING, CONNECTING, OPEN, REFUSED, type WsOwner } from './ws-frames.ts';
import { WsHandshake, parseTarget, withHeaders } from './ws-handshake.ts';

export type { WsOwner } from './ws-frames.ts';

export interface WsClientOptions {
  /** Source address to bind (e.g. 127.0.0.2); '' lets the OS choose. */
  localAddress?: string;
  /** Largest message accepted (a frame, or a fragmented message in total). Default 100 MiB, as `ws`. */
  maxPayload?: number;
  /** Extra headers of the upgrade request (names and values checked by the caller: no CR/LF). */
  headers?: Record<string, string>;
  /** Where parsed targets and the TLS context are kept between connections (absent: made per connection). */
  memo?: EngineMemo;
}

export const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;
/** How long `close()` waits for the server to close the TCP connection before destroying it. */
export const CLOSE_TIMEOUT_MS = 1000;

// ---- the connection ---------------------------------------------------------------------------------

const OWNER = Symbol('rtbench.wsclient');
type OwnedSocket = net.Socket & { [OWNER]: WsClient };

export class WsClient extends WsHandshake {
  private closeTimer: NodeJS.Timeout | null = null;

  /**
   * Connect to `url` (ws:, wss:, or http(s): taken as ws(s):) and upgrade. Throws synchronously
   * only for an invalid URL or source address; everything else is reported to `owner`.
   */
  constructor(url: string, owner: WsOwner, opts: WsClientOptions = {}) {
    const memo = opts.memo;
    const t = memo ? memo.get('ws-target', url, () => parseTarget(url)) : parseTarget(url);
    const localAddress = opts.localAddress || undefined;
    let socket: OwnedSocket;
    if (t.secure) {
      // the TLS context for wss (default CAs, including NODE_EXTRA_CA_CERTS), created once per memo
      const tlsContext = memo ? memo.get('tls', '', () => tls.createSecureContext()) : tls.createSecureContext();
      // (tls.connect passes localAddress and allowHalfOpen on; its option type does not list them)
      const o: tls.ConnectionOptions & { localAddress?: string; allowHalfOpen?: boolean } = {
        host: t.host,
        port: t.port,
        localAddress,
        servername: t.servername,
        secureContext: tlsContext,
        allowHalfOpen: true,
      };
      socket = tls.connect(o) as unknown as OwnedSocket;
      socket.setNoDelay(true);
      socket.on('secureConnect', onSocketConnect);
    } else {
      socket = net.connect({ host: t.host, port: t.port, localAddress, noDelay: true, allowHalfOpen: true }) as OwnedSocket;
      socket.on('connect', onSocketConnect);
    }
    super(socket, owner, opts.maxPayload ?? DEFAULT_MAX_PAYLOAD, opts.headers ? withHeaders(t, opts.headers) : t.head);
    socket[OWNER] = this;
    socket.on('data', onSocketData);
    socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
  }

  /**
   * Start the closing handshake: send `finalText` (if any) and a close frame with `code` in one
   * write. The connection is dropped when the server's close frame arrives, or after
   * CLOSE_TIMEOUT_MS without it. Our side of the TCP connection is not ended first: the server
   * closes first, so the TIME_WAIT state (and its port) stays on the server, not on the load
   * generator (RFC 6455 §7.1.1). Before the upgrade completed this is `terminate()`.
   */
  close(finalText?: string, code = 1000): void {
    const s = this.state;
    if (s === OPEN) {
      this.writeClose(code, finalText);
      this.closing();
    } else if (s !== CLOSING && s !== CLOSED) this.terminate();
  }

  /** The TCP socket, while the connection is not closed (network faults act on it). */
  get tcp(): net.Socket | null {
    return this.state === CLOSED ? null : this.socket;
  }

  /** Destroy the TCP connection now (`wsClose` follows, nothing else). */
  terminate(): void {
    this.reading = false;
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.socket.destroy();
  }

  /** Our close frame is sent: no more sends; destroy the connection if it is still there after CLOSE_TIMEOUT_MS. */
  protected closing(): void {
    this.state = CLOSING;
    this.closeTimer = setTimeout(onCloseTimeout, CLOSE_TIMEOUT_MS, this);
  }

  // ---- failures and the end -------------------------------------------------------------------

  /**
   * A protocol violation by the server (or a bad handshake: `code` null): send a close frame
   * with `code` when open, drop the connection without waiting (RFC 6455 §7.1.7, "Fail the
   * WebSocket Connection"), and report an Error with `errCode`.
   */
  protected fail(code: number | null, message: string, errCode: string): void {
    this.reading = false;
    if (code !== null && this.state === OPEN) {
      this.closeCode = code;
      this.writeClose(code);
    }
    this.state = CLOSED;
    this.socket.destroy();
    this.owner.wsError(Object.assign(new Error(message), { code: errCode }));
  }

  /** @internal A socket error: node destroys the socket, `close` follows. */
  socketError(err: Error): void {
    this.reading = false;
    if (this.state === REFUSED) return this.refused(); // reset while reading the refusal's body
    if (this.state === CLOSED) return; // after terminate()
    this.state = CLOSED;
    this.owner.wsError(err);
  }

  /** @internal The TCP connection is closed. */
  socketClosed(): void {
    const s = this.state;
    this.state = CLOSED;
    this.reading = false;
    if (this.closeTimer !== null) {
      clearTimeout(this.closeTimer);
      this.closeTimer = null;
    }
    if (s === REFUSED) this.refused();
    else if (s === CONNECTING) {
      // closed by the server before (or while) answering the upgrade, as node's http client says it
      this.owner.wsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    }
    this.partial = this.parts = this.msgParts = this.headBuf = this.rnd = null;
    this.owner.wsClose(this.closeCode);
  }

  /** @internal The server did not close the connection in time after the close frames. */
  closeTimedOut(): void {
    this.closeTimer = null;
    this.socket.destroy();
  }
}

// ---- shared socket listeners and timer callback (no closure per connection) -------------------------

function onSocketConnect(this: net.Socket): void {
  (this as OwnedSocket)[OWNER].connected();
}

function onSocketData(this: net.Socket, b: Buffer): void {
  (this as OwnedSocket)[OWNER].data(b);
}

/**
 * The server closed its side (allowHalfOpen: our side is not ended for us, no shutdown()):
 * close the socket. After the close frames this makes the server the side that closed first.
 */
function onSocketEnd(this: net.Socket): void {
  this.destroy();
}

function onSocketError(this: net.Socket, err: Error): void {
  (this as OwnedSocket)[OWNER].socketError(err);
}

function onSocketClose(this: net.Socket): void {
  (this as OwnedSocket)[OWNER].socketClosed();
}

function onCloseTimeout(ws: WsClient): void {
  ws.closeTimedOut();
}
