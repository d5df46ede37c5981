import type { Client, ConnectOptions } from '../clients/types.ts';
import type { EngineName } from '../clients/engine-name.ts';
import type { Fault, ReconnectOption } from './faults.ts';

export type { Fault, FaultRole, ReconnectOption } from './faults.ts';

/** A duration: milliseconds as a number, or a string such as `'500ms'`, `'30s'`, `'2m'`. */
export type Duration = number | string;

/** A constant value, or a linear ramp over the phase. */
export type Ramp = number | { from: number; to: number };

/** Open model: sessions arrive at a rate (per second) whatever the server does. */
export interface ArrivalPhase {
  name?: string;
  duration: Duration;
  /** New sessions per second (constant, or ramping from/to). */
  arrivalRate: Ramp;
}

/** Closed model: a number of virtual users, each running sessions back to back. */
export interface VusPhase {
  name?: string;
  duration: Duration;
  /** Concurrent virtual users (constant, or ramping from/to). */
  vus: Ramp;
}

export type Phase = ArrivalPhase | VusPhase;

/**
 * Client engines. `socket.io` is socket.io-client v4; `socket.io-lean` is rtbench's own Socket.IO v5
 * client over a WebSocket (WebSocket transport only, low CPU and memory per connection); `ws` is a
 * raw WebSocket speaking the reference app's JSON protocol; `socketcluster` is socketcluster-client v20
 * (the SocketCluster protocol: transmit/invoke, channels).
 */
export type { EngineName };

/** What the session function gets besides its client. */
export interface SessionContext {
  /** Globally unique client id of this session (stable for a VU across its sessions). */
  readonly id: number;
  /** Loopback source address the client connects from. */
  readonly sourceAddress: string;
  /** Index of the phase this session was started in. */
  readonly phase: number;
  /** Index of the generator process running it. */
  readonly generator: number;
  /** A seeded pseudo-random number in [0, 1), deterministic per client id. */
  random(): number;
  /** True once the run is stopping (last phase over, or interrupted): long loops should end. */
  readonly stopping: boolean;
}

/** The function each client runs. */
export type SessionFn = (client: Client, ctx: SessionContext) => Promise<void>;

/** A scenario, as written by users with `defineScenario`. */
export interface Scenario {
  /** Shown in reports; also names the default output folder. */
  name: string;
  description?: string;
  /**
   * Topology (or several, run in turn) of the bundled reference server to start when no
   * `--target` is given. Default `'single'`.
   */
  topology?: string | string[];
  /** When true, the scenario only makes sense against an external server: `--target` is required. */
  requiresTarget?: boolean;
  /** Client engine. Default `'socket.io'`. */
  engine?: EngineName;
  /** socket.io-client transports. Default `['websocket']`. */
  transports?: Array<'websocket' | 'polling'>;
  /** socket.io path (default `/socket.io`) or, for the `ws` engine, the WebSocket path (default `/ws`; a path in `--target` wins). */
  path?: string;
  /**
   * Default connect options of every client (`client.connect(options)` adds to them): an object,
   * or a function of the session's ctx, e.g. `(ctx) => ({ auth: { token: \`user-${ctx.id}\` } })`.
   * `{ namespace?, auth?, query?, headers? }`; `namespace` and `auth` are Socket.IO-only.
   */
  connect?: ConnectOptions | ((ctx: SessionContext) => ConnectOptions);
  /** Load phases, run one after the other. */
  phases: Phase[];
  /** The session each client runs. */
  session: SessionFn;
  /** Default timeout of `emitWithAck`, `join`, `leave`, `broadcast`. Default `'10s'`. */
  ackTimeout?: Duration;
  /** Timeout of `connect()`. Default `'10s'`. */
  connectTimeout?: Duration;
  /** How long sessions still running after the last phase may take to finish. Default `'10s'`. */
  gracefulStop?: Duration;
  /** Loopback source addresses to spread clients over: a count (127.0.0.2, 127.0.0.3, …) or a list. Default 8. */
  sourceIps?: number | string[];
  /** Generator processes. Default: one per core. */
  generators?: number;
  /**
   * Expected peak of concurrent clients in open-model phases (closed-model phases give it exactly).
   * rtbench sizes generator processes and source addresses from the peak before starting.
   */
  peakClients?: number;
  /** Cap on concurrent sessions per generator in the open model; arrivals over it are dropped and counted. */
  maxConcurrentPerGenerator?: number;
  /** Options for the embedded reference server. */
  server?: {
    pushRate?: number;
    /** Engine.IO heartbeat of the reference server, e.g. `{ interval: '1s', timeout: '2s' }` (a paused worker is noticed after both). Default socket.io's 25 s / 20 s. */
    heartbeat?: { interval: number | string; timeout: number | string };
    /**
     * Connections a `cluster` worker holds before it stops accepting, so the others take the new
     * ones (default: 95% of the worker's open-file limit). When every worker is full the port
     * refuses connections.
     */
    maxConnectionsPerWorker?: number;
  };
  /**
   * Pass/fail gates evaluated on the merged result: subject → condition, e.g.
   * `{ 'ack.p99': '< 50ms', 'errors.rate': '< 1%', 'workers.imbalance': '< 1.3' }`, or
   * `{ condition, abortOnFail: true }` to stop the run as soon as it fails. Grammar: README, "Thresholds".
   * Every run is gated by `'sessions.failedRate': '< 1%'` unless this sets another condition for it, or
   * `false` to turn the gate off.
   */
  thresholds?: Record<string, string | { condition: string; abortOnFail?: boolean } | false>;
  /**
   * Fault timeline against the bundled topology (or `run` hooks for an external target), e.g.
   * `[{ at: '20s', kill: 'worker', index: 1 }, { at: '30s', pause: 'worker', for: '5s' }]`.
   * Each fault's cost (disconnects, reconnect time, lost messages, moved clients) is reported.
   */
  faults?: Fault[];
  /**
   * Reconnect after an unexpected disconnect, with the engine's own reconnection (socket.io-client's
   * Manager) or rtbench's backoff loop (other engines). Default: on when `faults` is set, else off.
   */
  reconnect?: boolean | ReconnectOption;
}

/** Typed identity helper: `export default defineScenario({...})`. */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}
