/** The fault section of a result: the timeline as it happened and what each fault cost. */
import type { MetricSummary } from './metric.ts';

/** What one fault cost, from the clients' side, over its window (from the fault to the next one or the run's end). */
export interface FaultImpact {
  /** Seconds since the load start covered by this window: [from, to). */
  window: { fromS: number; toS: number };
  /** Connections that dropped without the client closing them. */
  disconnected: number;
  /** Of those, reconnected (engine's own reconnection or rtbench's loop), and given up. */
  recovered: number;
  recoveryFailed: number;
  /** Reconnections in this window that resumed the session (Socket.IO connection-state recovery) or came back fresh; sessions that never came back (gave up, or ended still away). */
  resumed?: number;
  fresh?: number;
  never?: number;
  /** Disconnects of this window not followed by a reconnection within it: not back by the window's end. */
  neverReturned?: number;
  /** Network faults: the clients the fault hit (connected ones, chosen by the generators). */
  hit?: number;
  /** Disconnect to connected again (the `recovery` metric of this window). */
  recovery: MetricSummary | null;
  /** Fault injected to the client noticing the disconnect (the `detect` metric; heartbeat-bound for paused processes). */
  detect: MetricSummary | null;
  /** Broadcast and push messages never received (sequence gaps), duplicated, out of order. */
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** The scenario's own `sequences`: numbers lost, and replayed after a reconnection, in this window. */
  seqLost?: number;
  seqReplayed?: number;
  /** Acks not answered within their timeout (sessions never hang on them). */
  ackTimeouts: number;
  /** Acks and calls cut off by a disconnect before their answer came (error kind `disconnected`). */
  acksCut?: number;
  /** HTTP 400 "Session ID unknown" (long-polling reaching a worker without the session). */
  sessionUnknown: number;
  /** Reconnected clients that came back to another worker (moved) or the same one (stayed). */
  moved: number;
  stayed: number;
  /** Fire-and-forget events dropped while reconnecting. */
  unsent: number;
  errors: number;
  /** Ack latency p99 (ms) in this window, to compare with `baselineAckP99`. */
  ackP99: number | null;
}

/** One entry of the fault timeline, as it happened. */
export interface FaultReport {
  label: string;
  action: 'kill' | 'pause' | 'restart' | 'run' | 'network';
  /** Network faults: the kind, and `clients` as a share (0–1) or a count; `offlineMs` for drops. */
  network?: { kind: string; share?: number; count?: number; offlineMs: number };
  role: string | null;
  index: number;
  command: string | null;
  /** When the scenario asked for it, and when it was injected (ms from the load start; null when it was not). */
  plannedMs: number;
  atMs: number | null;
  /** PID hit, and its replacement. */
  pid: number | null;
  newPid: number | null;
  /** Time until the dead piece was replaced (respawn / router restart / Redis or HAProxy back), or null. */
  replacedMs: number | null;
  /** Pause length (pause), blackhole or slow length (network). */
  forMs: number | null;
  /** `run` hooks: the command's exit code and last output lines. */
  exitCode?: number | null;
  output?: string[];
  note?: string;
  /** Why the fault could not be injected. */
  error?: string;
  /** The round (1-based) it happened in, with `--repeat`; `atMs` counts from that round's start. */
  round?: number;
  impact: FaultImpact;
}

/** The fault section of a result: the timeline and the quiet window before the first fault. */
export interface FaultSection {
  faults: FaultReport[];
  /** Ack p99 (ms) before the first fault: what "undisturbed" looked like (round 1's, with `--repeat`). */
  baselineAckP99: number | null;
  /** With `--repeat`: each round's baseline (index = round - 1; null when that round had no faults or no acks). */
  roundBaselines?: Array<number | null>;
}
