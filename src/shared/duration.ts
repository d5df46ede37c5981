/**
 * A duration: a string with its unit, such as `'500ms'`, `'30s'`, `'2m'` or `'1h'`. A bare number
 * is refused with the fix: 5 ms or 5 s would be a guess.
 */
export type Duration = string;

/**
 * Parse a duration into milliseconds, or return null when invalid. A duration is a string with
 * its unit (`'250ms'`, `'1.5s'`, `'2m'`, `'1h'`). A bare number (`5`, `'5'`, `--duration 5`) is
 * refused: whether it means 5 ms (Socket.IO's options) or 5 s (Artillery's phases) is a guess, and
 * a wrong guess is a run that measures nothing (see `missingUnit`).
 */
export function parseDuration(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2]!;
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  const ms = n * factor;
  return Number.isFinite(ms) ? ms : null; // 400 nines are not a duration
}

/** For a number, or a string that is a number without a unit, the fix to add to its error (`: add a unit, e.g. '5s'`); else ''. */
export function missingUnit(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
    return `: it has no unit; write '${value}s' for seconds or '${value}ms' for milliseconds`;
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
