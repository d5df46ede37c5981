import type { EngineName } from '../clients/engine-name.ts';
import type { GeneratorPlan } from '../plan/plan.ts';
import type { IntervalSnapshot } from '../metrics/snapshot.ts';
import type { GeneratorHealth } from '../result/types.ts';

/** Coordinator → generator: your share of the run plan; import the scenario file for its functions and get ready. */
export interface InitMessage {
  type: 'init';
  plan: GeneratorPlan;
  /** What the scenario's `setup()` returned in the coordinator (JSON): every session's `ctx.data`. */
  data?: unknown;
}
/** Coordinator → generator: start the load at this monotonic time. */
export interface StartMessage {
  type: 'start';
  startAt: number;
}
/** Coordinator → generator: stop the load now (interrupt), flush and report. */
export interface StopMessage {
  type: 'stop';
}
/** Coordinator → generator: a fault was injected at this monotonic time (clients time their detection from it). */
export interface FaultMessage {
  type: 'fault';
  at: number;
}
/**
 * Coordinator → a spare generator (src/generator/spare.ts), before the plan exists: import this
 * scenario file and its likely engine now; `init` follows, or the process is killed.
 */
export interface PreloadMessage {
  type: 'preload';
  file: string;
  /** The engine the scenario most likely uses (a hint: `init` names the one that runs). */
  engine: EngineName;
}
/** Coordinator → generator: a client-side network fault; each generator hits its share of its connected clients. */
export interface NetworkFaultMessage {
  type: 'network';
  fault: {
    /** The fault's place in the scenario's `faults` (seeds the choice of clients). */
    index: number;
    /** When it was planned, ms from the load start (it acts no earlier, and counts in that second). */
    atMs: number;
    kind: 'drop' | 'blackhole' | 'slow';
    clients: { share: number } | { count: number };
    /** `drop`: offline time; `blackhole` / `slow`: how long it lasts. */
    ms: number;
  };
}
export type ToGenerator = InitMessage | StartMessage | StopMessage | FaultMessage | PreloadMessage | NetworkFaultMessage;

export type FromGenerator =
  | { type: 'ready' }
  | { type: 'fatal'; code: string; message: string; details: string[]; hint?: string }
  | { type: 'snapshot'; snapshot: IntervalSnapshot }
  | { type: 'done'; health: GeneratorHealth };
