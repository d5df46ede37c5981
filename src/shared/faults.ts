/** Pieces of a bundled topology a fault can hit (shared by the scenario checks and the reference server). */
export const FAULT_ROLES = ['worker', 'router', 'frontend', 'backend', 'redis', 'lb', 'node', 'broker'] as const;
export type FaultRole = (typeof FAULT_ROLES)[number];
