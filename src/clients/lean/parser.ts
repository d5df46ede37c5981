/**
 * Socket.IO protocol v5 packet codec for the lean engine (no I/O, no classes, no closures).
 *
 * Wire format of one packet (the Engine.IO `4` message prefix is added by the transport):
 *
 *   <type>[<attachments>-][<nsp>,][<ack id>][<JSON payload>]
 *
 * `type` is one digit (CONNECT 0, DISCONNECT 1, EVENT 2, ACK 3, CONNECT_ERROR 4, BINARY_EVENT 5,
 * BINARY_ACK 6). The namespace is omitted for `/`. A binary packet's JSON carries placeholders
 * `{"_placeholder":true,"num":n}` for `attachments` binary frames that follow it.
 *
 * Decoding never throws: a malformed packet gives a `ParseFailure` (type -1).
 */
import { deconstruct, hasBinary, reconstruct } from './binary.ts';

export const CONNECT = 0;
export const DISCONNECT = 1;
export const EVENT = 2;
export const ACK = 3;
export const CONNECT_ERROR = 4;
export const BINARY_EVENT = 5;
export const BINARY_ACK = 6;

/** socket.io-parser's default limit (the server rejects packets with more). */
export const DEFAULT_MAX_ATTACHMENTS = 10;

/** Event names neither side may emit (socket.io-parser rejects them too). */
const RESERVED: ReadonlySet<string> = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** The seven Socket.IO packet types. */
export type PacketType = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A decoded packet. `id` is -1 when there is no ack id; `attachments` is 0 unless binary. */
export interface Packet {
  type: PacketType;
  nsp: string;
  id: number;
  attachments: number;
  data: unknown;
}

/** A packet that could not be decoded. */
export interface ParseFailure {
  type: -1;
  error: string;
}

export type Decoded = Packet | ParseFailure;

/** A packet with binary attachments: the text frame, then one binary frame per attachment. */
export interface BinaryEncoded {
  text: string;
  attachments: Array<ArrayBuffer | ArrayBufferView>;
}

function failure(error: string): ParseFailure {
  return { type: -1, error };
}

/** Up to 15 digits: every such number is a safe integer. */
const MAX_DIGITS = 15;

/**
 * Decode the socket.io packet that starts at `start` in `str` (1 for an Engine.IO message,
 * whose first character is the `4` type).
 */
export function decodePacket(str: string, start = 0, maxAttachments = DEFAULT_MAX_ATTACHMENTS): Decoded {
  const len = str.length;
  if (start >= len) return failure('empty packet');
  const code = str.charCodeAt(start) - 48;
  if (code < 0 || code > 6) return failure(`unknown packet type ${JSON.stringify(str[start])}`);
  const type = code as PacketType;
  let i = start + 1;

  let attachments = 0;
  if (type === BINARY_EVENT || type === BINARY_ACK) {
    const from = i;
    let c = str.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      attachments = attachments * 10 + (c - 48);
      c = str.charCodeAt(++i);
    }
    if (i === from || i - from > MAX_DIGITS || c !== 45 /* - */) return failure('illegal attachments');
    if (attachments < 1) return failure('illegal attachments');
    if (attachments > maxAttachments) return failure(`too many attachments (${attachments} > ${maxAttachments})`);
    i++;
  }

  let nsp = '/';
  if (str.charCodeAt(i) === 47 /* / */) {
    const comma = str.indexOf(',', i);
    if (comma === -1) {
      nsp = str.slice(i);
      i = len;
    } else {
      nsp = str.slice(i, comma);
      i = comma + 1;
    }
  }

  let id = -1;
  let c = str.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    const from = i;
    id = 0;
    while (c >= 48 && c <= 57) {
      id = id * 10 + (c - 48);
      c = str.charCodeAt(++i);
    }
    if (i - from > MAX_DIGITS) return failure('ack id too long');
  }

  let data: unknown;
  if (i < len) {
    try {
      data = JSON.parse(str.slice(i));
    } catch {
      return failure('invalid JSON payload');
    }
  }
  if (!payloadValid(type, data)) return failure(`invalid payload for packet type ${type}`);
  return { type, nsp, id, attachments, data };
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function payloadValid(type: number, data: unknown): boolean {
  switch (type) {
    case CONNECT:
      return data === undefined || isPlainObject(data);
    case DISCONNECT:
      return data === undefined;
    case CONNECT_ERROR:
      return typeof data === 'string' || isPlainObject(data);
    case EVENT:
    case BINARY_EVENT: {
      if (!Array.isArray(data) || data.length === 0) return false;
      const name = data[0] as unknown;
      return typeof name === 'number' || (typeof name === 'string' && !RESERVED.has(name));
    }
    case ACK:
    case BINARY_ACK:
      return Array.isArray(data);
    default:
      return false;
  }
}

/** The header of a packet: type, attachment count, namespace, ack id. */
function header(type: number, attachments: number, nsp: string, id: number): string {
  let s = String(type);
  if (attachments > 0) s += `${attachments}-`;
  if (nsp !== '/') s += `${nsp},`;
  if (id >= 0) s += id;
  return s;
}

/**
 * Encode a packet. EVENT and ACK packets whose data holds binary (Buffer, ArrayBuffer, typed
 * arrays) become BINARY_EVENT / BINARY_ACK with placeholders, returned with their attachments.
 * `id` -1 means no ack id; `data` undefined means no payload. Throws what JSON.stringify throws
 * (e.g. on a cyclic payload).
 */
export function encodePacket(type: number, nsp: string, id: number, data: unknown): string | BinaryEncoded {
  if ((type === EVENT || type === ACK) && data !== undefined && hasBinary(data)) {
    const attachments: Array<ArrayBuffer | ArrayBufferView> = [];
    const json = JSON.stringify(deconstruct(data, attachments, false));
    return { text: header(type + 3, attachments.length, nsp, id) + json, attachments };
  }
  const h = type === EVENT && nsp === '/' && id < 0 ? '2' : header(type, 0, nsp, id);
  return data === undefined ? h : h + JSON.stringify(data);
}

/**
 * Complete a BINARY_EVENT / BINARY_ACK packet with its attachment frames: placeholders are
 * replaced in place and the packet becomes a plain EVENT / ACK.
 */
export function reconstructPacket(p: Packet, buffers: readonly unknown[]): Decoded {
  if (buffers.length !== p.attachments) return failure(`expected ${p.attachments} attachments, got ${buffers.length}`);
  const r = reconstruct(p.data, buffers);
  if (!r.ok) return failure('illegal attachments');
  return { type: (p.type - 3) as PacketType, nsp: p.nsp, id: p.id, attachments: 0, data: r.data };
}

/** The Engine.IO open packet (`0{"sid":…,"pingInterval":…,"pingTimeout":…}`), or why it is not one. */
export function parseOpenPacket(s: string): { sid: string; pingInterval: number; pingTimeout: number } | string {
  let hs: { sid?: unknown; pingInterval?: unknown; pingTimeout?: unknown };
  try {
    hs = JSON.parse(s.slice(1)) as typeof hs;
  } catch {
    return 'invalid Engine.IO handshake';
  }
  const { pingInterval, pingTimeout } = hs;
  if (typeof pingInterval !== 'number' || typeof pingTimeout !== 'number' || !(pingInterval > 0) || !(pingTimeout >= 0)) {
    return 'Engine.IO handshake without pingInterval/pingTimeout';
  }
  return { sid: typeof hs.sid === 'string' ? hs.sid : '', pingInterval, pingTimeout };
}
