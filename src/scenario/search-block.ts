import { missingUnit, parseDuration } from '../shared/duration.ts';
import type { SearchBlock } from './types.ts';

/** The fields of a scenario's `search` block (`--find-max`'s options, resolved by src/search/options.ts). */
const FIELDS: ReadonlySet<string> = new Set(['from', 'maxRate', 'factor', 'precision', 'step', 'maxSteps']);

/** Check a scenario's `search` block; every problem at once, each naming its field. */
export function checkSearchBlock(v: unknown, problems: string[]): SearchBlock | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) {
    problems.push("`search` must be an object like { from: 50, step: '10s' }");
    return null;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.has(k)) problems.push(`\`search.${k}\` is not a search field (known: ${[...FIELDS].join(', ')})`);
  const num = (k: string, ok: (n: number) => boolean, what: string): void => {
    if (o[k] !== undefined && !(typeof o[k] === 'number' && Number.isFinite(o[k]) && ok(o[k] as number)))
      problems.push(`\`search.${k}\` must be ${what} (got ${JSON.stringify(o[k])})`);
  };
  num('from', (n) => n >= 0.1, 'a rate of at least 0.1 sessions/s');
  num('maxRate', (n) => n >= 0.1, 'a rate of at least 0.1 sessions/s');
  num('factor', (n) => n > 1 && n <= 10, 'a number above 1 and at most 10');
  num('precision', (n) => n > 0 && n < 1, 'a fraction between 0 and 1, e.g. 0.05');
  num('maxSteps', (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'a whole number from 1 to 100');
  if (o.step !== undefined) {
    const ms = parseDuration(o.step);
    if (ms === null || ms < 1000)
      problems.push(`\`search.step\` must be a duration of at least 1s, like '10s' (got ${JSON.stringify(o.step)})${missingUnit(o.step)}`);
  }
  return o as SearchBlock;
}
