/** The fault section of a result; the types live with the result data model (src/result/types.ts). */
export type { FaultImpact, FaultReport, FaultSection } from '../result/faults.ts';
