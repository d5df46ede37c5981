/**
 * Binary attachments of the Socket.IO protocol: every Buffer / ArrayBuffer / typed array in a
 * payload is replaced by `{"_placeholder":true,"num":n}` and sent as the n-th binary frame after
 * the packet's text frame; the receiver puts the frames back in place.
 */

export type BinaryLike = ArrayBuffer | ArrayBufferView;

export function isBinary(v: unknown): v is BinaryLike {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

/**
 * True when `v` holds binary anywhere (arrays, own enumerable keys of objects, and what an
 * object's `toJSON()` returns, as JSON.stringify would see it). Allocates nothing for plain data.
 * A cyclic payload throws (RangeError), as JSON.stringify would (TypeError).
 */
export function hasBinary(v: unknown, viaToJSON = false): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (isBinary(v)) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasBinary(v[i])) return true;
    return false;
  }
  const o = v as Record<string, unknown> & { toJSON?: unknown };
  if (typeof o.toJSON === 'function' && !viaToJSON) return hasBinary((o.toJSON as () => unknown)(), true);
  for (const k in o) if (Object.hasOwn(o, k) && hasBinary(o[k])) return true;
  return false;
}

/** A copy of `v` with its binary parts replaced by placeholders, appended to `out` in order. */
export function deconstruct(v: unknown, out: BinaryLike[], viaToJSON: boolean): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (isBinary(v)) {
    const num = out.length;
    out.push(v);
    return { _placeholder: true, num };
  }
  if (Array.isArray(v)) {
    const copy = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) copy[i] = deconstruct(v[i], out, false);
    return copy;
  }
  const o = v as Record<string, unknown> & { toJSON?: unknown };
  if (typeof o.toJSON === 'function' && !viaToJSON) return deconstruct((o.toJSON as () => unknown)(), out, true);
  const copy: Record<string, unknown> = {};
  for (const k in o) if (Object.hasOwn(o, k)) copy[k] = deconstruct(o[k], out, false);
  return copy;
}

/** Thrown inside `reconstruct`; never escapes `reconstructInPlace`. */
const ILLEGAL = Symbol('illegal attachment');

function isPlaceholder(v: Record<string, unknown>): boolean {
  return v._placeholder === true;
}

function put(v: unknown, buffers: readonly unknown[]): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = put(v[i], buffers);
    return v;
  }
  const o = v as Record<string, unknown>;
  if (isPlaceholder(o)) {
    const num = o.num;
    if (typeof num !== 'number' || !Number.isInteger(num) || num < 0 || num >= buffers.length) throw ILLEGAL;
    return buffers[num];
  }
  for (const k in o) if (Object.hasOwn(o, k)) o[k] = put(o[k], buffers);
  return o;
}

/**
 * Replace the placeholders in decoded JSON `data` (mutated) by `buffers`. Returns the data, or
 * `undefined` plus `ok: false` when a placeholder points outside `buffers`.
 */
export function reconstruct(data: unknown, buffers: readonly unknown[]): { ok: true; data: unknown } | { ok: false } {
  try {
    return { ok: true, data: put(data, buffers) };
  } catch (e) {
    if (e === ILLEGAL) return { ok: false };
    throw e;
  }
}
