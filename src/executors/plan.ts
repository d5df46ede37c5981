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
 * Upper bound of concurrently open clients the scenario may need (used to size generators,
 * source addresses and fd limits before starting). For arrivals it assumes each session may
 * live until the end of the run (a safe overestimate) capped by the arrival count.
 */
export function peakClientsBound(s: ResolvedScenario): number {
  let peak = 0;
  let arrivalsSoFar = 0;
  for (const p of s.phases) {
    if (p.kind === 'arrivals') {
      arrivalsSoFar += arrivalCount(p);
      peak = Math.max(peak, arrivalsSoFar);
    } else {
      peak = Math.max(peak, arrivalsSoFar + maxVus(p));
    }
  }
  return peak;
}
