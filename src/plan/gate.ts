import type { MetricDeclarations } from '../scenario/types.ts';
import { parseThresholds, type Threshold } from '../thresholds/parse.ts';

/** The gate every run has unless its scenario overrides it (another condition) or turns it off (`false`). */
export const DEFAULT_GATE = { 'sessions.failedRate': '< 1%' } as const;

/**
 * A scenario's thresholds with the default gate: a run in which more than 1% of the sessions
 * failed does not pass. `thresholds: { 'sessions.failedRate': '< 10%' }` changes the bound,
 * `{ 'sessions.failedRate': false }` removes the gate. Parsed once (the scenario was validated).
 */
export function gateThresholds(spec: Record<string, unknown>, metrics: MetricDeclarations = {}): Threshold[] {
  const merged: Record<string, unknown> = { ...DEFAULT_GATE, ...spec };
  for (const [k, v] of Object.entries(merged)) if (v === false) delete merged[k];
  return parseThresholds(merged, metrics).thresholds;
}
