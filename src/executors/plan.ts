import type { ResolvedPhase, ResolvedScenario } from '../scenario/validate.ts';
import { arrivalCount } from './arrivals.ts';
import { maxVus } from './vus.ts';

/**
 * Per-phase client-id base, so ids are unique across phases and generators. Consecutive `vus`
 * phases share one base (their VUs carry over: VU v keeps its id), reserving the chain's peak.
 */
export function idBases(phases: ResolvedPhase[]): number[] {
  const bases: number[] = [];
  let next = 0;
  let chain: { base: number; peak: number } | null = null;
  phases.forEach((p, i) => {
    if (p.kind === 'vus' && chain && phases[i - 1]?.kind === 'vus') {
      bases.push(chain.base);
      chain.peak = Math.max(chain.peak, maxVus(p));
      next = chain.base + chain.peak;
      return;
    }
    bases.push(next);
    chain = p.kind === 'vus' ? { base: next, peak: maxVus(p) } : null;
    next += p.kind === 'arrivals' ? arrivalCount(p) : maxVus(p);
  });
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
