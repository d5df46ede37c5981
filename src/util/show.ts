/**
 * A user's value as it appears in an error message: short JSON (60 characters at most), or "a
 * function". Numbers JSON cannot spell (NaN, Infinity, -Infinity) are shown as written, also
 * inside objects and arrays, never as JSON's `null`.
 */
export function show(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `\u0000${String(x)}\u0000` : x));
    if (s === undefined) return String(v);
    const shown = s.replace(/"\\u0000(-?Infinity|NaN)\\u0000"/g, '$1');
    return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
  } catch {
    return String(v);
  }
}
