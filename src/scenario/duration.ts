/**
 * Parse a duration into milliseconds, or return null when invalid: a number is milliseconds
 * (`250`); a string needs its unit (`'250ms'`, `'1.5s'`, `'2m'`, `'1h'`). A string without one
 * (`'5'`, `--duration 5`) is refused: 5 ms or 5 s is a guess (see `missingUnit`).
 */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2]!;
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return n * factor;
}

/** For a string that is a number without a unit, the fix to add to its error (`: add a unit, e.g. '5s'`); else ''. */
export function missingUnit(value: unknown): string {
  if (typeof value !== 'string' || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return '';
  const n = value.trim();
  return `: it has no unit; write '${n}s' for seconds or '${n}ms' for milliseconds`;
}

/** Format milliseconds for humans: `850ms`, `12.5s`, `3m20s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}
