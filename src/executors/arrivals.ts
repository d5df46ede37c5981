import type { ResolvedPhase } from '../scenario/validate.ts';

/** Number of arrivals an open-model phase schedules: the integral of its rate. */
export function arrivalCount(p: ResolvedPhase): number {
  return Math.floor(((p.from + p.to) / 2) * (p.durationMs / 1000) + 1e-9);
}

/**
 * Intended time (ms from the phase start) of the k-th arrival (k = 0, 1, …) of a phase whose rate
 * ramps linearly from `from` to `to` per second: the t where the cumulative arrivals N(t) = k.
 */
export function arrivalOffsetMs(p: ResolvedPhase, k: number): number {
  const D = p.durationMs / 1000;
  const a = p.from;
  const slope = (p.to - p.from) / D; // rate change per second
  if (Math.abs(slope) < 1e-12) return (k / a) * 1000;
  // N(t) = a t + slope t^2 / 2 = k  →  t = (-a + sqrt(a^2 + 2 slope k)) / slope
  const disc = Math.max(0, a * a + 2 * slope * k);
  return ((-a + Math.sqrt(disc)) / slope) * 1000;
}

/** One scheduled arrival: its global index within the phase and its intended start (ms from run start). */
export interface Arrival {
  k: number;
  atMs: number;
}

/**
 * The arrivals of one phase that belong to generator `g` of `n` (every n-th, so each generator
 * carries an even share of the rate and the union of all generators is the full schedule).
 */
export function* arrivalsFor(p: ResolvedPhase, g: number, n: number): Generator<Arrival> {
  const count = arrivalCount(p);
  for (let k = g; k < count; k += n) {
    yield { k, atMs: p.startMs + arrivalOffsetMs(p, k) };
  }
}
