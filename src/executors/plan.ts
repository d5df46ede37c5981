import type { ResolvedPhase, ResolvedScenario } from '../scenario/validate.ts';
import { arrivalCount } from './arrivals.ts';
import { maxVus } from './vus.ts';

/** Per-phase client-id base, so ids are unique across phases and generators. */
export function idBases(phases: ResolvedPhase[]): number[] {
  const bases: number[] = [];
  let next = 0;
  for (const p of phases) {
    bases.push(next);
    next += p.kind === 'arrivals' ? arrivalCount(p) : maxVus(p);
  }
  return bases;
}

/**
 * Concurrent clients the closed-model phases hold at their peak (exact: one client per VU).
 * Open-model concurrency depends on session lifetimes, so it is capped at run time instead
 * (`maxConcurrentPerGenerator`, drops counted).
 */
export function peakVus(s: ResolvedScenario): number {
  return s.phases.reduce((m, p) => (p.kind === 'vus' ? Math.max(m, maxVus(p)) : m), 0);
}
