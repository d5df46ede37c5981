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
 */
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { EngineMemo } from '../memo.ts';

/** What the connection reports to. Each method is called synchronously from a socket event. */
export interface WsOwner {
  /** The upgrade succeeded; frames may be sent. */
  wsOpen(): void;
  /** A complete text message. */
  wsText(text: string): void;
  /** A complete binary message (may be a view into a larger chunk; do not write to it). */
  wsBinary(data: Buffer): void;
  /**
   * A socket error (with its errno `code`: ECONNREFUSED, EMFILE, EADDRNOTAVAIL, ECONNRESET, a
   * TLS code…), a failed handshake (bad `Sec-WebSocket-Accept` …) or a protocol violation by the
   * server (code `WS_ERR_*`; a close frame with 1002 / 1009 was sent). `wsClose` follows.
   */
  wsError(err: Error): void;
  /** A non-101 answer to the upgrade: its status and up to 512 bytes of its body. `wsClose` follows. */
  wsRefused(status: number, body: string): void;
  /**
   * The TCP connection closed; called exactly once per connection, last. `code` is the server's
   * close code when a close frame arrived (1005 when it had none), the code this client sent on a
   * protocol error, else 1006.
   */
  wsClose(code: number): void;
}

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
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** `HTTP/1.x NNN` then a space (or nothing: an empty reason phrase). */
const STATUS_LINE = /^HTTP\/1\.[01] \d{3}[ \r]/;
/** A response head longer than this is refused. */
const MAX_HEAD = 16 * 1024;
/** Bytes of a refused upgrade's body kept for the report. */
const MAX_BODY = 512;
/** Per-connection random block: a 16-byte key, then 4-byte masks, refilled when used up. */
const RANDOM_BLOCK = 128;

const CONNECTING = 0;
const OPEN = 1;
/** Our close frame was sent (or the server's arrived and was answered): no more sends. */
const CLOSING = 2;
const CLOSED = 3;
/** A non-101 response: collecting its body. */
const REFUSED = 4;

const OP_CONT = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** sha1(s) in base64: `crypto.hash` (one call, no Hash object) on Node ≥ 20.12, else createHash. */
const sha1Base64: (s: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (s) => crypto.hash('sha1', s, 'base64')
    : (s) => crypto.createHash('sha1').update(s).digest('base64');

// ---- per-target values (immutable; kept by the caller's EngineMemo) --------------------------------------------------------

interface Target {
  secure: boolean;
  /** Host for connect(): an IPv6 literal without brackets. */
  host: string;
  port: number;
  /** SNI name for wss (undefined for an IP literal, which SNI does not allow). */
  servername: string | undefined;
  /** The request head up to the key: `GET … Sec-WebSocket-Key: `. */
  head: string;
  /** Where extra headers go in `head` (before `Sec-WebSocket-Version`). */
  extraAt: number;
}

/** The parsed target of a WebSocket URL (frozen: shared by every connection to it through an `EngineMemo`). */
function parseTarget(url: string): Target {
  const u = new URL(url);
  const secure = u.protocol === 'wss:' || u.protocol === 'https:';
  if (!secure && u.protocol !== 'ws:' && u.protocol !== 'http:') throw new Error(`not a WebSocket URL: ${url}`);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const start = `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`;
  return Object.freeze({
    secure,
    host,
    port: u.port === '' ? (secure ? 443 : 80) : Number(u.port),
    servername: net.isIP(host) === 0 ? host : undefined,
    head: `${start}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: `,
    extraAt: start.length,
  });
}

/** The cached head with extra header lines inserted. */
function withHeaders(t: Target, headers: Record<string, string>): string {
  let lines = '';
  for (const [k, v] of Object.entries(headers)) lines += `${k}: ${v}\r\n`;
  return `${t.head.slice(0, t.extraAt)}${lines}${t.head.slice(t.extraAt)}`;
}

// ---- the connection ---------------------------------------------------------------------------------

const OWNER = Symbol('rtbench.wsclient');
type OwnedSocket = net.Socket & { [OWNER]: WsClient };

export class WsClient {
  private readonly socket: OwnedSocket;
  private state = CONNECTING;
  private readonly maxPayload: number;
  /** Random bytes for the key and the masks, and how many are used. */
  private rnd: Buffer | null = null;
  private rndOff = 0;
  /** The request head up to the key (from the target cache), until sent. */
  private reqHead: string;
  /** The Sec-WebSocket-Key until the response head arrived. */
  private key = '';
  /** Response head bytes received so far (head split across chunks). */
  private headBuf: Buffer | null = null;
  /** Frames are parsed while true (false after a close frame, a protocol error or terminate()). */
  private reading = true;
  /** A frame header split across chunks (at most 9 bytes). */
  private partial: Buffer | null = null;
  /** The frame whose payload spans chunks: its opcode, FIN bit, length, bytes still due and slices. */
  private op = 0;
  private fin = false;
  private len = 0;
  private due = 0;
  private parts: Buffer[] | null = null;
  /** A fragmented message in progress: its opcode (0: none), length so far and fragments. */
  private msgOp = 0;
  private msgLen = 0;
  private msgParts: Buffer[] | null = null;
  /** The server's close code (1005: its close frame had none; 1006: none arrived). */
  private closeCode = 1006;
  private closeTimer: NodeJS.Timeout | null = null;
  /** Refused upgrade: status, whether the body is chunked, its expected length (-1 unknown), bytes so far. */
  private status = 0;
  private chunked = false;
  private bodyLen = -1;
  private body: Buffer[] | null = null;
  private bodyGot = 0;

  /**
   * Connect to `url` (ws:, wss:, or http(s): taken as ws(s):) and upgrade. Throws synchronously
   * only for an invalid URL or source address; everything else is reported to `owner`.
   */
  constructor(
    url: string,
    private readonly owner: WsOwner,
    opts: WsClientOptions = {},
  ) {
    this.maxPayload = opts.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    const memo = opts.memo;
    const t = memo ? memo.get('ws-target', url, () => parseTarget(url)) : parseTarget(url);
    const localAddress = opts.localAddress || undefined;
    let socket: OwnedSocket;
    if (t.secure) {
      // the TLS context for wss (default CAs, including NODE_EXTRA_CA_CERTS), created once per memo
      const tlsContext = memo ? memo.get('tls', '', () => tls.createSecureContext()) : tls.createSecureContext();
      // (tls.connect passes localAddress and allowHalfOpen on; its option type does not list them)
      const o: tls.ConnectionOptions & { localAddress?: string; allowHalfOpen?: boolean } = { host: t.host, port: t.port, localAddress, servername: t.servername, secureContext: tlsContext, allowHalfOpen: true };
      socket = tls.connect(o) as unknown as OwnedSocket;
      socket.setNoDelay(true);
      socket.on('secureConnect', onSocketConnect);
    } else {
      socket = net.connect({ host: t.host, port: t.port, localAddress, noDelay: true, allowHalfOpen: true }) as OwnedSocket;
      socket.on('connect', onSocketConnect);
    }
    socket[OWNER] = this;
    this.reqHead = opts.headers ? withHeaders(t, opts.headers) : t.head;
    socket.on('data', onSocketData);
    socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    this.socket = socket;
  }

  /** True once upgraded and until a close frame was sent or received. */
  get isOpen(): boolean {
    return this.state === OPEN;
  }

  /** Send a text message (ignored unless open). */
  sendText(text: string): void {
    if (this.state !== OPEN) return;
    const len = Buffer.byteLength(text);
    const out = Buffer.allocUnsafe(frameSize(len));
    const p = this.header(out, 0, OP_TEXT, len);
    out.write(text, p, len);
    mask(out, p, len);
    this.socket.write(out);
  }

  /** Send a binary message (ignored unless open). */
  sendBinary(data: ArrayBuffer | ArrayBufferView): void {
    if (this.state !== OPEN) return;
    const src = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const len = src.length;
    const out = Buffer.allocUnsafe(frameSize(len));
    const p = this.header(out, 0, OP_BINARY, len);
    out.set(src, p);
    mask(out, p, len);
    this.socket.write(out);
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

  /** Destroy the TCP connection now (`wsClose` follows, nothing else). */
  terminate(): void {
    this.reading = false;
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.socket.destroy();
  }

  // ---- handshake ------------------------------------------------------------------------------

  /** @internal TCP (and TLS) connected: send the upgrade request in one write. */
  connected(): void {
    const rnd = (this.rnd = Buffer.allocUnsafe(RANDOM_BLOCK));
    crypto.randomFillSync(rnd);
    this.rndOff = 16;
    this.key = rnd.toString('base64', 0, 16);
    this.socket.write(`${this.reqHead}${this.key}\r\n\r\n`, 'latin1');
    this.reqHead = '';
  }

  /** @internal A chunk from the socket. */
  data(b: Buffer): void {
    const s = this.state;
    if (s === OPEN || s === CLOSING) this.receive(b);
    else if (s === CONNECTING) this.responseHead(b);
    else if (s === REFUSED) this.refusedBody(b);
  }

  private responseHead(chunk: Buffer): void {
    let buf = chunk;
    let from = 0;
    const prev = this.headBuf;
    if (prev !== null) {
      buf = Buffer.concat([prev, chunk]);
      from = Math.max(0, prev.length - 3); // \r\n\r\n may straddle the two
    }
    const end = buf.indexOf('\r\n\r\n', from);
    if (end === -1) {
      if (buf.length > MAX_HEAD) return this.fail(null, 'Invalid HTTP response: head too large', 'WS_ERR_INVALID_RESPONSE');
      this.headBuf = buf;
      return;
    }
    this.headBuf = null;
    // the head up to its last line's CRLF: every header line is "\r\n<name>:<value>\r\n" in it
    const head = buf.toString('latin1', 0, end + 2);
    if (!STATUS_LINE.test(head)) return this.fail(null, `Invalid HTTP response: ${JSON.stringify(head.slice(0, 40))}`, 'WS_ERR_INVALID_RESPONSE');
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    this.chunked = header(lower, lower, '\r\ntransfer-encoding:')?.includes('chunked') ?? false;
    const cl = header(lower, lower, '\r\ncontent-length:');
    if (cl !== null) this.bodyLen = Number(cl);
    const rest = end + 4 < buf.length ? buf.subarray(end + 4) : null;
    if (status !== 101) {
      this.state = REFUSED;
      this.status = status;
      this.body = [];
      if (rest !== null) this.refusedBody(rest);
      else if (this.bodyLen === 0) this.refused();
      return;
    }
    if (header(lower, lower, '\r\nupgrade:') !== 'websocket') return this.fail(null, 'Invalid Upgrade header', 'WS_ERR_INVALID_RESPONSE');
    if (!header(lower, lower, '\r\nconnection:')?.includes('upgrade')) return this.fail(null, 'Invalid Connection header', 'WS_ERR_INVALID_RESPONSE');
    if (header(head, lower, '\r\nsec-websocket-accept:') !== sha1Base64(this.key + GUID)) return this.fail(null, 'Invalid Sec-WebSocket-Accept header', 'WS_ERR_INVALID_RESPONSE');
    if (lower.includes('\r\nsec-websocket-extensions:')) return this.fail(null, 'Server sent a Sec-WebSocket-Extensions header but no extension was requested', 'WS_ERR_INVALID_RESPONSE');
    if (lower.includes('\r\nsec-websocket-protocol:')) return this.fail(null, 'Server sent a subprotocol but none was requested', 'WS_ERR_INVALID_RESPONSE');
    this.key = '';
    this.bodyLen = -1;
    this.state = OPEN;
    this.owner.wsOpen();
    if (rest !== null && this.state === OPEN) this.receive(rest);
  }

  private refusedBody(b: Buffer): void {
    const body = this.body;
    if (body === null) return;
    if (this.bodyGot < MAX_BODY) {
      body.push(b);
      this.bodyGot += b.length;
    }
    if (this.bodyGot >= MAX_BODY || (this.bodyLen >= 0 && this.bodyGot >= this.bodyLen) || (this.chunked && b.includes('0\r\n\r\n'))) this.refused();
  }

  /** Report the refused upgrade (once) and drop the connection. */
  private refused(): void {
    const body = this.body;
    if (body === null) return;
    this.body = null;
    let raw: Buffer = Buffer.concat(body).subarray(0, this.bodyLen >= 0 ? Math.min(this.bodyLen, MAX_BODY) : MAX_BODY);
    if (this.chunked) raw = dechunk(raw);
    this.reading = false;
    this.owner.wsRefused(this.status, raw.toString('utf8'));
    this.socket.destroy();
  }

  // ---- frames in ------------------------------------------------------------------------------

  /** Parse the frames in `b` (a frame may continue in the next chunk). */
  private receive(b: Buffer): void {
    const end = b.length;
    let off = 0;
    while (off < end && this.reading) {
      if (this.parts !== null) {
        // the payload of a frame that spans chunks
        const take = Math.min(this.due, end - off);
        this.parts.push(off === 0 && take === end ? b : b.subarray(off, off + take));
        off += take;
        if ((this.due -= take) > 0) return;
        const parts = this.parts;
        this.parts = null;
        const payload = Buffer.concat(parts, this.len);
        this.frame(payload, 0, this.len);
        continue;
      }
      // the header: 2 bytes, + 2 or 8 bytes of extended length
      let h = b;
      let ho = off;
      let avail = end - off;
      const partial = this.partial;
      if (partial !== null) {
        h = Buffer.concat([partial, b.subarray(off, off + 10)]);
        ho = 0;
        avail = h.length;
      }
      if (avail < 2) return this.keepPartial(h, ho, avail);
      const b0 = h[ho]!;
      const b1 = h[ho + 1]!;
      const op = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      if ((b0 & 0x70) !== 0) return this.fail(1002, 'Invalid WebSocket frame: RSV1, RSV2 or RSV3 set', 'WS_ERR_UNEXPECTED_RSV');
      if ((b1 & 0x80) !== 0) return this.fail(1002, 'Invalid WebSocket frame: MASK must be clear', 'WS_ERR_UNEXPECTED_MASK');
      if (op >= OP_CLOSE) {
        if (op > OP_PONG) return this.fail(1002, `Invalid WebSocket frame: invalid opcode ${op}`, 'WS_ERR_INVALID_OPCODE');
        if (!fin) return this.fail(1002, 'Invalid WebSocket frame: FIN must be set', 'WS_ERR_EXPECTED_FIN');
        if ((b1 & 0x7f) > 125) return this.fail(1002, 'Invalid WebSocket frame: invalid payload length', 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH');
      } else if (op > OP_BINARY) return this.fail(1002, `Invalid WebSocket frame: invalid opcode ${op}`, 'WS_ERR_INVALID_OPCODE');
      else if (op === OP_CONT ? this.msgOp === 0 : this.msgOp !== 0) {
        return this.fail(1002, `Invalid WebSocket frame: ${op === OP_CONT ? 'continuation without a message' : 'a new message inside a fragmented one'}`, 'WS_ERR_INVALID_OPCODE');
      }
      let len = b1 & 0x7f;
      let hl = 2;
      if (len === 126) {
        if (avail < 4) return this.keepPartial(h, ho, avail);
        len = h.readUInt16BE(ho + 2);
        hl = 4;
      } else if (len === 127) {
        if (avail < 10) return this.keepPartial(h, ho, avail);
        const hi = h.readUInt32BE(ho + 2);
        if (hi > 0x1fffff) return this.fail(1009, 'Invalid WebSocket frame: payload length above 2^53 - 1', 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH');
        len = hi * 0x100000000 + h.readUInt32BE(ho + 6);
        hl = 10;
      }
      if (op < OP_CLOSE && len + this.msgLen > this.maxPayload) return this.fail(1009, 'Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
      if (partial !== null) {
        off += hl - partial.length;
        this.partial = null;
      } else off += hl;
      this.op = op;
      this.fin = fin;
      if (end - off >= len) {
        off += len;
        this.frame(b, off - len, off);
      } else {
        this.len = len;
        this.due = len - (end - off);
        this.parts = [off === 0 ? b : b.subarray(off)];
        return;
      }
    }
  }

  /** Keep the start of a header that the chunk cut (a copy: at most 9 bytes). */
  private keepPartial(h: Buffer, ho: number, avail: number): void {
    this.partial = Buffer.from(h.subarray(ho, ho + avail));
  }

  /** One complete frame: its payload is `buf[start, stop)`; opcode and FIN in this.op / this.fin. */
  private frame(buf: Buffer, start: number, stop: number): void {
    const op = this.op;
    if (op === OP_TEXT && this.fin) return this.owner.wsText(buf.toString('utf8', start, stop));
    if (op === OP_BINARY && this.fin) return this.owner.wsBinary(start === 0 && stop === buf.length ? buf : buf.subarray(start, stop));
    if (op < OP_CLOSE) {
      // a fragment: collect until FIN
      if (op !== OP_CONT) {
        this.msgOp = op;
        this.msgParts = [];
      }
      this.msgParts!.push(buf.subarray(start, stop));
      this.msgLen += stop - start;
      if (!this.fin) return;
      const data = Buffer.concat(this.msgParts!, this.msgLen);
      const msgOp = this.msgOp;
      this.msgOp = this.msgLen = 0;
      this.msgParts = null;
      if (msgOp === OP_TEXT) this.owner.wsText(data.toString('utf8'));
      else this.owner.wsBinary(data);
      return;
    }
    if (op === OP_PING) {
      if (this.state === OPEN) this.control(OP_PONG, buf, start, stop);
      return;
    }
    if (op === OP_PONG) return;
    // close
    const len = stop - start;
    if (len === 1) return this.fail(1002, 'Invalid WebSocket frame: invalid close payload length 1', 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH');
    const code = len === 0 ? 1005 : buf.readUInt16BE(start);
    if (len > 0 && !validCloseCode(code)) return this.fail(1002, `Invalid WebSocket frame: invalid status code ${code}`, 'WS_ERR_INVALID_CLOSE_CODE');
    this.closeCode = code;
    this.reading = false;
    if (this.state === OPEN) {
      // the server started the closing handshake: answer
      this.writeClose(code === 1005 ? -1 : code);
      this.closing();
    }
    // either way the server closes TCP now (its FIN: onSocketEnd)
  }

  // ---- frames out -----------------------------------------------------------------------------

  /** Write a masked frame header for `len` payload bytes at `out[at]`; returns the payload offset. */
  private header(out: Buffer, at: number, op: number, len: number): number {
    out[at] = 0x80 | op;
    if (len < 126) {
      out[at + 1] = 0x80 | len;
      at += 2;
    } else if (len < 0x10000) {
      out[at + 1] = 0x80 | 126;
      out.writeUInt16BE(len, at + 2);
      at += 4;
    } else {
      out[at + 1] = 0x80 | 127;
      out.writeUInt32BE(Math.floor(len / 0x100000000), at + 2);
      out.writeUInt32BE(len >>> 0, at + 6);
      at += 10;
    }
    const rnd = this.rnd!;
    if (this.rndOff > RANDOM_BLOCK - 4) {
      crypto.randomFillSync(rnd);
      this.rndOff = 0;
    }
    const r = this.rndOff;
    out[at] = rnd[r]!;
    out[at + 1] = rnd[r + 1]!;
    out[at + 2] = rnd[r + 2]!;
    out[at + 3] = rnd[r + 3]!;
    this.rndOff = r + 4;
    return at + 4;
  }

  /** A pong (or other control frame) carrying `buf[start, stop)`. */
  private control(op: number, buf: Buffer, start: number, stop: number): void {
    const len = stop - start;
    const out = Buffer.allocUnsafe(6 + len);
    const p = this.header(out, 0, op, len);
    buf.copy(out, p, start, stop);
    mask(out, p, len);
    this.socket.write(out);
  }

  /** Write a close frame (`code` -1: without a code), preceded by a text frame `finalText`, in one write. */
  private writeClose(code: number, finalText?: string): void {
    const textLen = finalText === undefined ? -1 : Buffer.byteLength(finalText);
    const closeLen = code < 0 ? 0 : 2;
    const textSize = textLen < 0 ? 0 : frameSize(textLen);
    const out = Buffer.allocUnsafe(textSize + 6 + closeLen);
    if (textLen >= 0) {
      const p = this.header(out, 0, OP_TEXT, textLen);
      out.write(finalText!, p, textLen);
      mask(out, p, textLen);
    }
    const p = this.header(out, textSize, OP_CLOSE, closeLen);
    if (closeLen > 0) {
      out.writeUInt16BE(code, p);
      mask(out, p, 2);
    }
    this.socket.write(out);
  }

  /** Our close frame is sent: no more sends; destroy the connection if it is still there after CLOSE_TIMEOUT_MS. */
  private closing(): void {
    this.state = CLOSING;
    this.closeTimer = setTimeout(onCloseTimeout, CLOSE_TIMEOUT_MS, this);
  }

  // ---- failures and the end -------------------------------------------------------------------

  /**
   * A protocol violation by the server (or a bad handshake: `code` null): send a close frame
   * with `code` when open, drop the connection without waiting (RFC 6455 §7.1.7, "Fail the
   * WebSocket Connection"), and report an Error with `errCode`.
   */
  private fail(code: number | null, message: string, errCode: string): void {
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

// ---- helpers ------------------------------------------------------------------------------------------

/**
 * The value of the first header `name` (given lower-case as "\r\n<name>:"), trimmed, taken from
 * `head` (a response head ending with CRLF) or `lower` (its lower-case copy); null when absent.
 */
function header(head: string, lower: string, name: string): string | null {
  const i = lower.indexOf(name);
  if (i === -1) return null;
  const from = i + name.length;
  return head.slice(from, head.indexOf('\r\n', from)).trim();
}

/** Bytes of a masked frame carrying `len` payload bytes. */
function frameSize(len: number): number {
  return len + (len < 126 ? 6 : len < 0x10000 ? 8 : 14);
}

/** XOR `out[p, p + len)` with the 4 mask bytes just before it. */
function mask(out: Buffer, p: number, len: number): void {
  const m0 = out[p - 4]!;
  const m1 = out[p - 3]!;
  const m2 = out[p - 2]!;
  const m3 = out[p - 1]!;
  const end = p + len;
  let i = p;
  for (; i + 3 < end; i += 4) {
    out[i] ^= m0;
    out[i + 1] ^= m1;
    out[i + 2] ^= m2;
    out[i + 3] ^= m3;
  }
  if (i < end) out[i++] ^= m0;
  if (i < end) out[i++] ^= m1;
  if (i < end) out[i] ^= m2;
}

/** Close codes a peer may send (RFC 6455 §7.4, and 1012–1014 as registered since). */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** The data of a chunked HTTP body (best effort: what arrived of it). */
function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < raw.length) {
    const eol = raw.indexOf('\r\n', i);
    if (eol === -1) break;
    const size = parseInt(raw.toString('latin1', i, eol), 16);
    if (!(size > 0)) break;
    out.push(raw.subarray(eol + 2, Math.min(eol + 2 + size, raw.length)));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
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
