/**
 * The frame codec of the lean WebSocket client (lean/wsclient.ts, RFC 6455 §5): frames in (parsed
 * in place; a frame that spans chunks collected as slices and concatenated once; fragmented
 * messages; ping answered; the server's close frame and its code checked) and frames out (ONE
 * buffer per frame: header, mask and masked payload in one allocation and one `socket.write`).
 *
 * `WsFrames` is the base of the client's one class (`WsClient` extends `WsHandshake` extends
 * `WsFrames`): one object and one hidden class per connection, so a frame costs no indirection.
 * What reads the upgrade's answer is the handshake's, what ends a connection (`fail`, `closing`)
 * the client's; both are declared here as abstract.
 */
import crypto from 'node:crypto';
import type net from 'node:net';

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

// ---- the connection's states (one `state` field, shared by the three files of the client) ---------

export const CONNECTING = 0;
export const OPEN = 1;
/** Our close frame was sent (or the server's arrived and was answered): no more sends. */
export const CLOSING = 2;
export const CLOSED = 3;
/** A non-101 response: collecting its body. */
export const REFUSED = 4;

/** Per-connection random block: a 16-byte key, then 4-byte masks, refilled when used up. */
export const RANDOM_BLOCK = 128;

const OP_CONT = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export abstract class WsFrames {
  protected state = CONNECTING;
  /** Random bytes for the key and the masks, and how many are used. */
  protected rnd: Buffer | null = null;
  protected rndOff = 0;
  /** Frames are parsed while true (false after a close frame, a protocol error or terminate()). */
  protected reading = true;
  /** A frame header split across chunks (at most 9 bytes). */
  protected partial: Buffer | null = null;
  /** The frame whose payload spans chunks: its opcode, FIN bit, length, bytes still due and slices. */
  private op = 0;
  private fin = false;
  private len = 0;
  private due = 0;
  protected parts: Buffer[] | null = null;
  /** A fragmented message in progress: its opcode (0: none), length so far and fragments. */
  private msgOp = 0;
  private msgLen = 0;
  protected msgParts: Buffer[] | null = null;
  /** The server's close code (1005: its close frame had none; 1006: none arrived). */
  protected closeCode = 1006;

  constructor(
    protected readonly socket: net.Socket,
    protected readonly owner: WsOwner,
    private readonly maxPayload: number,
  ) {}

  /** True once upgraded and until a close frame was sent or received. */
  get isOpen(): boolean {
    return this.state === OPEN;
  }

  /** @internal A chunk from the socket: frames once open, else the handshake's (response head or refused body). */
  data(b: Buffer): void {
    const s = this.state;
    if (s === OPEN || s === CLOSING) this.receive(b);
    else if (s === CONNECTING) this.responseHead(b);
    else if (s === REFUSED) this.refusedBody(b);
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
   * A protocol violation by the server (or a bad handshake: `code` null): send a close frame
   * with `code` when open, drop the connection, and report an Error with `errCode` (the client's).
   */
  protected abstract fail(code: number | null, message: string, errCode: string): void;

  /** Our close frame is sent: no more sends (the client's: it arms the close timer). */
  protected abstract closing(): void;

  /** The upgrade's response head, or the start of it (the handshake's). */
  protected abstract responseHead(chunk: Buffer): void;

  /** Part of a refused upgrade's body (the handshake's). */
  protected abstract refusedBody(b: Buffer): void;

  // ---- frames in ------------------------------------------------------------------------------

  /** Parse the frames in `b` (a frame may continue in the next chunk). */
  protected receive(b: Buffer): void {
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
        return this.fail(
          1002,
          `Invalid WebSocket frame: ${op === OP_CONT ? 'continuation without a message' : 'a new message inside a fragmented one'}`,
          'WS_ERR_INVALID_OPCODE',
        );
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
  protected writeClose(code: number, finalText?: string): void {
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
}

// ---- helpers ------------------------------------------------------------------------------------------

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
