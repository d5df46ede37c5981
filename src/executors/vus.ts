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

/**
 * Closed-model phases that follow each other form one chain: their VUs carry over from one
 * phase to the next (VU v of phase k goes on as VU v of phase k+1), so `vus` is the number of
 * concurrent users at every moment, never the sum of two phases' users at a boundary.
 * Returns, in order, the runs of consecutive `vus` phases.
 */
export function vuChains(phases: ResolvedPhase[]): ResolvedPhase[][] {
  const chains: ResolvedPhase[][] = [];
  let prev: ResolvedPhase | null = null;
  for (const p of phases) {
    if (p.kind !== 'vus') {
      prev = p;
      continue;
    }
    if (prev?.kind === 'vus') chains[chains.length - 1]!.push(p);
    else chains.push([p]);
    prev = p;
  }
  return chains;
}

/** The phase of a chain that `tMs` (from the run start) falls in: the last one after its end. */
export function chainPhaseAt(chain: ResolvedPhase[], tMs: number): ResolvedPhase {
  return chain.find((p) => tMs < p.startMs + p.durationMs) ?? chain[chain.length - 1]!;
}

/** A chain's VU target at `tMs`: the target of the phase in progress. */
export function chainTarget(chain: ResolvedPhase[], tMs: number): number {
  return vuTarget(chainPhaseAt(chain, tMs), tMs);
}
