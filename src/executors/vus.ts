import type { ResolvedPhase } from '../scenario/validate.ts';

/** Target number of VUs of a closed-model phase at `tMs` from the run start (linear ramp, rounded). */
export function vuTarget(p: ResolvedPhase, tMs: number): number {
  const x = Math.min(1, Math.max(0, (tMs - p.startMs) / p.durationMs));
  return Math.round(p.from + (p.to - p.from) * x);
}

/** The VU indices (of the phase's global VU numbering) that generator `g` of `n` owns, below `target`. */
export function ownedVus(target: number, g: number, n: number): number[] {
  const out: number[] = [];
  for (let v = g; v < target; v += n) out.push(v);
  return out;
}

/** Largest VU count a phase reaches. */
export function maxVus(p: ResolvedPhase): number {
  return Math.max(p.from, p.to);
}
