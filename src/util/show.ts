/** A user's value as it appears in an error message: short JSON (60 characters at most), or "a function". */
export function show(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}
