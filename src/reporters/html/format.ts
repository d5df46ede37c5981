/** HTML escaping and number formatting with units, shared by the report's sections. */

export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const DASH = '–';

/** A number with thousands separators and at most `d` decimals (trailing zeros dropped). */
export function num(v: number | null | undefined, d = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return v.toLocaleString('en-US', { maximumFractionDigits: d });
}

/** Milliseconds, with precision that suits the size: 0.412 ms, 12.4 ms, 1,234 ms, 12.3 s. */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v >= 10_000) return `${num(v / 1000, 1)} s`;
  return `${num(v, v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3)} ms`;
}

/** A fraction as a percentage: 0.3333 → 33.3 %. */
export function pct(v: number | null | undefined, d = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const p = v * 100;
  return `${num(p, p !== 0 && Math.abs(p) < 0.1 ? 3 : d)} %`;
}

/** A value in the unit a metric is measured in (latency metrics: ms; others name their unit). */
export function withUnit(v: number | null | undefined, unit: string): string {
  if (unit === 'ms') return ms(v);
  if (v === null || v === undefined) return DASH;
  return unit ? `${num(v)} ${esc(unit)}` : num(v);
}

/** A threshold's measured figure in its subject's unit (k6 prints `p(95)=12.3ms`; "1548.287" says nothing). */
export function thresholdValue(subject: string, v: number | null, unit?: 'ms' | 'fraction' | 'number' | 'perSecond'): string {
  if (v === null) return 'not measured';
  if (unit === 'fraction') return pct(v, 2);
  if (unit === 'ms') return ms(v);
  if (unit === 'perSecond') return `${num(v, 1)} ${subject === 'throughput' ? 'msgs/s' : '/s'}`;
  if (/(\.rate|Rate|\.maxShare)$/.test(subject)) return pct(v, 2);
  if (subject === 'errors.count' || subject.endsWith('.count')) return num(v, 0);
  if (subject === 'throughput') return `${num(v, 1)} msgs/s`;
  if (subject === 'workers.imbalance') return `${num(v, 3)} × mean`;
  if (subject === 'workers.cv') return num(v, 3);
  return ms(v);
}

/** `<table>` from a header row and body rows of already-escaped HTML cells. */
export function htmlTable(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}
