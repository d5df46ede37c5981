import type { MetricDeclarations } from '../metrics/declared.ts';
import { parseThreshold, parseThresholds, type Threshold } from './parse.ts';

/** The gate every run has unless its scenario overrides it (another condition) or turns it off (`false`). */
export const DEFAULT_GATE = { 'sessions.failedRate': '< 1%' } as const;

/**
 * A scenario's thresholds, already parsed (by validation, once), with the default gate: a run in
 * which more than 1% of the sessions failed does not pass. `thresholds: { 'sessions.failedRate':
 * '< 10%' }` changes the bound, `{ 'sessions.failedRate': false }` removes the gate. `spec` is the
 * thresholds as written (to tell an override or a `false` from no mention); nothing of it is parsed
 * again. The gate comes first, then the scenario's own thresholds in their order.
 */
export function withDefaultGate(spec: Record<string, unknown>, parsed: Threshold[]): Threshold[] {
  const gateSubjects = new Set<string>(Object.keys(DEFAULT_GATE));
  const defaults = Object.entries(DEFAULT_GATE).flatMap(([k, v]) => (Object.hasOwn(spec, k) ? [] : [parseThreshold(k, v) as Threshold]));
  return [...defaults, ...parsed.filter((t) => gateSubjects.has(t.subject)), ...parsed.filter((t) => !gateSubjects.has(t.subject))];
}

/** Parse thresholds as written with the default gate: for thresholds read back from a result file (`rtbench merge`), which no validation parsed. */
export function gateThresholds(spec: Record<string, unknown>, metrics: MetricDeclarations = {}): Threshold[] {
  return withDefaultGate(spec, parseThresholds(spec, metrics).thresholds);
}
