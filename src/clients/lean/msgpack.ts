/**
 * Socket.IO packets as MessagePack, the wire format of `socket.io-msgpack-parser` (what a server
 * built with `new Server({ parser: require('socket.io-msgpack-parser') })` speaks), for the lean
 * engine's `connect: { parser: 'msgpack' }`.
 *
 * Each packet is one binary Engine.IO message: a MessagePack map `{ type, nsp, data?, id? }`
 * (types CONNECT 0 … CONNECT_ERROR 4; no BINARY_* types and no attachments: binary travels
 * inside the map as MessagePack `bin`). Binary arrives as Buffers, as socket.io-client gives
 * them in Node. socket.io-msgpack-parser's notepack.io marks `undefined` as the extension type 0
 * with one zero byte, and an ArrayBuffer (or a typed array other than a Buffer) as extension
 * type 0 with its bytes; both are read that way here (a one-byte ArrayBuffer holding 0 cannot be
 * told from `undefined` in that format: it decodes as `undefined`). Outgoing binary of any kind is
 * written as `bin`: the server reads a Buffer.
 *
 * Decoding never throws: a malformed packet gives a `ParseFailure` (type -1), as lean/parser.ts.
 */
import { Decoder, Encoder, ExtensionCodec } from '@msgpack/msgpack';
import { ACK, CONNECT, CONNECT_ERROR, DISCONNECT, EVENT, type Decoded, type PacketType } from './parser.ts';

/** Event names neither side may emit (as lean/parser.ts and socket.io-parser). */
const RESERVED: ReadonlySet<string> = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** One engine's MessagePack encoder and decoder (made once per generator run, through the EngineMemo). */
export interface MsgpackCodec {
  encode(type: number, nsp: string, id: number, data: unknown): Uint8Array;
  decode(frame: Uint8Array): Decoded;
}

/** A codec speaking socket.io-msgpack-parser's format (notepack.io's extension type 0). */
export function msgpackCodec(): MsgpackCodec {
  const ext = new ExtensionCodec();
  ext.register({
    type: 0,
    encode: () => null, // sent as `bin` (the server reads a Buffer): notepack.io 2 reads a short extension 0 as something else
    decode: (d: Uint8Array) => (d.length === 1 && d[0] === 0 ? undefined : new Uint8Array(d).buffer), // a copy: `d` may be a view into a pooled Buffer
  });
  const encoder = new Encoder({ extensionCodec: ext, ignoreUndefined: true });
  const decoder = new Decoder({ extensionCodec: ext });
  return {
    encode(type, nsp, id, data) {
      return encoder.encode(id >= 0 ? { type, data, nsp, id } : data === undefined ? { type, nsp } : { type, data, nsp });
    },
    decode(frame) {
      let v: unknown;
      try {
        v = decoder.decode(frame);
      } catch (e) {
        return { type: -1, error: `invalid MessagePack packet (${e instanceof Error ? e.message : String(e)})` };
      }
      return check(v);
    },
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof ArrayBuffer);

/** socket.io-msgpack-parser's `checkPacket`, plus the reserved event names, then bin → Buffer. */
function check(v: unknown): Decoded {
  if (!isPlainObject(v)) return { type: -1, error: 'MessagePack packet is not a map' };
  const { type, nsp, data, id } = v;
  if (typeof type !== 'number' || !Number.isInteger(type) || type < CONNECT || type > CONNECT_ERROR)
    return { type: -1, error: `invalid packet type ${JSON.stringify(type)}` };
  if (typeof nsp !== 'string') return { type: -1, error: 'invalid namespace' };
  if (id !== undefined && (typeof id !== 'number' || !Number.isInteger(id) || id < 0)) return { type: -1, error: 'invalid packet id' };
  let ok: boolean;
  switch (type) {
    case CONNECT:
      ok = data === undefined || isPlainObject(data);
      break;
    case DISCONNECT:
      ok = data === undefined;
      break;
    case CONNECT_ERROR:
      ok = typeof data === 'string' || isPlainObject(data);
      break;
    case EVENT: {
      const name = Array.isArray(data) ? (data[0] as unknown) : undefined;
      ok = Array.isArray(data) && data.length > 0 && (typeof name === 'number' || (typeof name === 'string' && !RESERVED.has(name)));
      break;
    }
    default: // ACK
      ok = type === ACK && Array.isArray(data);
  }
  if (!ok) return { type: -1, error: `invalid payload for packet type ${type}` };
  return { type: type as PacketType, nsp, id: id === undefined ? -1 : id, attachments: 0, data: buffers(data) };
}

/** Binary as Buffers (a view on the same bytes, no copy), as socket.io-client gives it in Node. */
function buffers(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer || v instanceof Date) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = buffers(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) if (Object.hasOwn(o, k)) o[k] = buffers(o[k]);
  return o;
}
