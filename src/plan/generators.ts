import type { ResolvedScenario } from '../scenario/validate.ts';

/** Clients one generator process holds comfortably before a second one pays for itself. */
export const CLIENTS_PER_GENERATOR = 5_000;
/** Session arrivals per second one generator process starts comfortably. */
export const ARRIVALS_PER_GENERATOR = 500;

/**
 * The default number of generator processes, sized from the load rather than the cores: every
 * process beyond what the load needs competes with the server (on the same host) for a core,
 * and its timers and per-second snapshots add latency that the run would report as the server's.
 * At most one per core.
 */
export function defaultGenerators(s: ResolvedScenario, cores: number): number {
  let clients = s.peakClients ?? 0;
  let rate = 0;
  for (const p of s.phases) {
    if (p.kind === 'vus') clients = Math.max(clients, p.from, p.to);
    else rate = Math.max(rate, p.from, p.to);
  }
  const need = Math.max(1, Math.ceil(clients / CLIENTS_PER_GENERATOR), Math.ceil(rate / ARRIVALS_PER_GENERATOR));
  return Math.max(1, Math.min(cores, need));
}
