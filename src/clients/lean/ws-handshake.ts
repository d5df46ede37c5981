/**
 * The opening handshake of the lean WebSocket client (lean/wsclient.ts, RFC 6455 §4): the
 * per-target request head (parsed once per URL, kept by the caller's EngineMemo), the upgrade
 * request in ONE latin1 string write (the head plus a random 16-byte base64 key), the response
 * head parsed by hand with `Sec-WebSocket-Accept` verified (no extension and no subprotocol asked
 * for; a server that names one is refused), and the body of a refused (non-101) upgrade.
 *
 * `WsHandshake` is the middle of the client's one class (`WsClient` extends `WsHandshake` extends
 * `WsFrames`, see lean/ws-frames.ts).
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { OPEN, RANDOM_BLOCK, REFUSED, WsFrames, type WsOwner } from './ws-frames.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** `HTTP/1.x NNN` then a space (or nothing: an empty reason phrase). */
const STATUS_LINE = /^HTTP\/1\.[01] \d{3}[ \r]/;
/** A response head longer than this is refused. */
const MAX_HEAD = 16 * 1024;
/** Bytes of a refused upgrade's body kept for the report. */
const MAX_BODY = 512;

/** sha1(s) in base64: `crypto.hash` (one call, no Hash object) on Node ≥ 20.12, else createHash. */
const sha1Base64: (s: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (s) => crypto.hash('sha1', s, 'base64')
    : (s) => crypto.createHash('sha1').update(s).digest('base64');

// ---- per-target values (immutable; kept by the caller's EngineMemo) --------------------------------------------------------

export interface Target {
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
export function parseTarget(url: string): Target {
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
export function withHeaders(t: Target, headers: Record<string, string>): string {
  let lines = '';
  for (const [k, v] of Object.entries(headers)) lines += `${k}: ${v}\r\n`;
  return `${t.head.slice(0, t.extraAt)}${lines}${t.head.slice(t.extraAt)}`;
}

// ---- the handshake ----------------------------------------------------------------------------

export abstract class WsHandshake extends WsFrames {
  /** The Sec-WebSocket-Key until the response head arrived. */
  private key = '';
  /** Response head bytes received so far (head split across chunks). */
  protected headBuf: Buffer | null = null;
  /** Refused upgrade: status, whether the body is chunked, its expected length (-1 unknown), bytes so far. */
  private status = 0;
  private chunked = false;
  private bodyLen = -1;
  private body: Buffer[] | null = null;
  private bodyGot = 0;

  constructor(
    socket: net.Socket,
    owner: WsOwner,
    maxPayload: number,
    /** The request head up to the key (from the target cache), until sent. */
    private reqHead: string,
  ) {
    super(socket, owner, maxPayload);
  }

  /** @internal TCP (and TLS) connected: send the upgrade request in one write. */
  connected(): void {
    const rnd = (this.rnd = Buffer.allocUnsafe(RANDOM_BLOCK));
    crypto.randomFillSync(rnd);
    this.rndOff = 16;
    this.key = rnd.toString('base64', 0, 16);
    this.socket.write(`${this.reqHead}${this.key}\r\n\r\n`, 'latin1');
    this.reqHead = '';
  }

  protected responseHead(chunk: Buffer): void {
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
    if (header(head, lower, '\r\nsec-websocket-accept:') !== sha1Base64(this.key + GUID))
      return this.fail(null, 'Invalid Sec-WebSocket-Accept header', 'WS_ERR_INVALID_RESPONSE');
    if (lower.includes('\r\nsec-websocket-extensions:'))
      return this.fail(null, 'Server sent a Sec-WebSocket-Extensions header but no extension was requested', 'WS_ERR_INVALID_RESPONSE');
    if (lower.includes('\r\nsec-websocket-protocol:')) return this.fail(null, 'Server sent a subprotocol but none was requested', 'WS_ERR_INVALID_RESPONSE');
    this.key = '';
    this.bodyLen = -1;
    this.state = OPEN;
    this.owner.wsOpen();
    if (rest !== null && this.state === OPEN) this.receive(rest);
  }

  protected refusedBody(b: Buffer): void {
    const body = this.body;
    if (body === null) return;
    if (this.bodyGot < MAX_BODY) {
      body.push(b);
      this.bodyGot += b.length;
    }
    if (this.bodyGot >= MAX_BODY || (this.bodyLen >= 0 && this.bodyGot >= this.bodyLen) || (this.chunked && b.includes('0\r\n\r\n'))) this.refused();
  }

  /** Report the refused upgrade (once) and drop the connection. */
  protected refused(): void {
    const body = this.body;
    if (body === null) return;
    this.body = null;
    let raw: Buffer = Buffer.concat(body).subarray(0, this.bodyLen >= 0 ? Math.min(this.bodyLen, MAX_BODY) : MAX_BODY);
    if (this.chunked) raw = dechunk(raw);
    this.reading = false;
    this.owner.wsRefused(this.status, raw.toString('utf8'));
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
