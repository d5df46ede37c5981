import type { Client, ConnectOptions } from '../clients/types.ts';
import type { EngineName } from '../clients/engine-name.ts';
import type { TopologyName } from '../shared/topology-names.ts';
import type { Fault, ReconnectOption } from './faults.ts';
import type { MessageParser } from '../clients/delivery.ts';
import type { SequenceDecl } from '../clients/delivery-types.ts';

export type { Fault, FaultRole, ReconnectOption } from './faults.ts';
export type { SequenceDecl, SequenceField } from '../clients/delivery-types.ts';
export type { MessageParser } from '../clients/delivery.ts';

import type { Duration } from '../shared/duration.ts';
import type { CustomMetrics, MetricDeclarations } from '../metrics/declared.ts';

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

/** What `setup()` and `teardown()` get: the run they belong to. */
export interface SetupContext {
  /** The server this load goes to: `--target`, or the embedded reference server's URL. */
  readonly target: string;
  /** The topology run (`external` with `--target`). */
  readonly topology: string;
  /** Aborted when the run is interrupted (Ctrl-C) or `setupTimeout` passes: hand it to `fetch`. */
  readonly signal: AbortSignal;
}

/** What the session function gets besides its client. */
export interface SessionContext<D = unknown, M = MetricDeclarations> {
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
  /** What `setup()` returned (a read-only JSON copy; `undefined` without `setup`). */
  readonly data: D;
  /** The declared custom metrics: `ctx.metrics.record('fanout', ms)`, `ctx.metrics.count('delivered')`. */
  readonly metrics: CustomMetrics<M>;
  /** Count a pass or a fail of the check `name` (`checks.failRate` in thresholds); returns `condition`. */
  check(name: string, condition: boolean): boolean;
  /** The `sessions` entry this client runs (`undefined` with a single `session`). */
  readonly kind?: string;
}

/** The function each client runs. */
export type SessionFn<D = unknown, M = MetricDeclarations> = (client: Client, ctx: SessionContext<D, M>) => Promise<void>;

/** One entry of a weighted mix of sessions (`sessions`). */
export interface SessionKind<D = unknown, M = MetricDeclarations> {
  /** Relative share of clients running it: a whole number ≥ 1. */
  weight: number;
  session: SessionFn<D, M>;
}

/** A scenario, as written by users with `defineScenario`. `D` is what `setup()` returns; `M` the `metrics` declared. */
// biome-ignore lint/suspicious/noExplicitAny: `D` defaults to any so that a scenario without setup() accepts any `data` shape
export interface Scenario<D = any, M extends MetricDeclarations = MetricDeclarations> {
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
  /**
   * Engine per topology name (the part before `:`), over `engine`: one scenario runs against both
   * families side by side, e.g. `topology: ['single', 'socketcluster:2'], engines: { socketcluster: 'socketcluster' }`.
   * The default `path` follows the engine. Keys are the bundled topologies' names (checked, with
   * "did you mean"); a Socket.IO engine on `socketcluster:N`, or `socketcluster` on a Socket.IO
   * topology, is refused before any load.
   */
  engines?: Partial<Record<TopologyName, EngineName>>;
  /** socket.io-client transports. Default `['websocket']`. */
  transports?: Array<'websocket' | 'polling'>;
  /** socket.io path (default `/socket.io`) or, for the `ws` engine, the WebSocket path (default `/ws` on the bundled server, `/` against `--target`; a path in `--target` wins). */
  path?: string;
  /**
   * `ws` engine: how incoming frames are read. `'reference'` (default): frames shaped like rtbench's
   * own protocol (`{"e":…,"a":[…]}`, acks `{"ack":n,"a":[…]}`) go to `on()`/`emitWithAck`, the rest
   * to `onMessage`/`request`. `'raw'`: every frame goes to `onMessage`/`request`/`waitForMessage`
   * (an app whose own frames look like the reference protocol); `emit`/`emitWithAck` are refused.
   */
  protocol?: 'reference' | 'raw';
  /**
   * Default connect options of every client (`client.connect(options)` adds to them): an object,
   * or a function of the session's ctx, e.g. `(ctx) => ({ auth: { token: \`user-${ctx.id}\` } })`,
   * async or not (awaited at each client's first `connect()`: log a user in, then use its token).
   * `{ namespace?, auth?, query?, headers? }`; `namespace` and `auth` are Socket.IO-only.
   */
  connect?: ConnectOptions | ((ctx: SessionContext<D, M>) => ConnectOptions | Promise<ConnectOptions>);
  /** Load phases, run one after the other. */
  phases: Phase[];
  /** The session each client runs (or `sessions`: a weighted mix; exactly one of the two). */
  session?: SessionFn<D, M>;
  /**
   * A weighted mix of sessions instead of one `session`, e.g.
   * `{ listener: { weight: 9, session }, sender: { weight: 1, session } }`. Each client runs one
   * kind, chosen deterministically from its id; each kind is timed as `session:<name>`.
   */
  sessions?: Record<string, SessionKind<D, M>>;
  /**
   * Custom metrics, k6-style: name → `'trend'` (HDR histogram of ms) or `'counter'`, e.g.
   * `{ fanout: 'trend', delivered: 'counter' }`. Record them with `ctx.metrics`; gate them with
   * thresholds (`'fanout.p99': '< 100ms'`, `'delivered.count': '> 0'`).
   */
  metrics?: M;
  /**
   * Runs once in the coordinator before each load (each topology run, each `--repeat` round), after
   * the embedded server started. Its JSON-serialisable return value reaches every session as `ctx.data`.
   */
  setup?: (ctx: SetupContext) => D | Promise<D>;
  /** Runs in the coordinator after each load, also after an interrupt, with what `setup()` returned. */
  teardown?: (data: D, ctx: SetupContext) => void | Promise<void>;
  /** How long `setup()` (and `teardown()`) may take. Default `'60s'`. */
  setupTimeout?: Duration;
  /** Default timeout of `emitWithAck`, `join`, `leave`, `broadcast`. Default `'10s'`. */
  ackTimeout?: Duration;
  /** Timeout of `connect()`. Default `'10s'`. */
  connectTimeout?: Duration;
  /** How long sessions still running after the last phase may take to finish. Default `'10s'`. */
  gracefulStop?: Duration;
  /** Loopback source addresses to spread clients over: a count (127.0.0.2, 127.0.0.3, …) or a list. Default 8. */
  sourceIps?: number | string[];
  /** Generator processes. Default: sized from the load (one per 5,000 clients or 500 arrivals/s), at most one per core. */
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
    /**
     * Socket.IO connection-state recovery on the reference server: `true` (sessions kept 2 minutes,
     * socket.io's default), or how long, e.g. `'30s'`. A client that comes back in time resumes its
     * session: rooms kept, missed messages replayed (`recovery.resumed`). Default off, as in socket.io.
     */
    recovery?: boolean | Duration;
  };
  /**
   * Pass/fail gates evaluated on the merged result: subject → condition, e.g.
   * `{ 'ack.p99': '< 50ms', 'errors.rate': '< 1%', 'workers.imbalance': '< 1.3' }`, or
   * `{ condition, abortOnFail: true }` to stop the run as soon as it fails. Grammar: docs/metrics.md, "Thresholds".
   * Every run is gated by `'sessions.failedRate': '< 1%'` unless this sets another condition for it, or
   * `false` to turn the gate off.
   */
  thresholds?: Record<string, string | { condition: string; abortOnFail?: boolean } | false>;
  /**
   * Fault timeline against the bundled topology (or `run` hooks for an external target), e.g.
   * `[{ at: '20s', kill: 'worker', index: 1 }, { at: '30s', pause: 'worker', for: '5s' }]`.
   * Each fault's cost (disconnects, reconnect time, lost messages, moved clients) is reported.
   */
  /**
   * Capacity search (`rtbench run --find-max`): rates, step length and precision of the search
   * for the highest arrival rate that holds `thresholds` (docs/capacity-search.md).
   */
  search?: SearchBlock;
  faults?: Fault[];
  /**
   * Reconnect after an unexpected disconnect, with the engine's own reconnection (socket.io-client's
   * Manager) or rtbench's backoff loop (other engines). Default: on when `faults` is set, else off.
   */
  reconnect?: boolean | ReconnectOption;
  /**
   * Delivery counted on your own streams: name → which incoming event carries a sequence number,
   * e.g. `{ ticks: { event: 'tick', seq: 'seq', key: 'room', sentAt: 'ts' } }` (field paths in the
   * event's first argument, or functions `(data, args) => value`). Counted per sequence:
   * `seq:<name>.received`, `.lost`, `.duplicates`, `.outOfOrder`, `.replayed`; with `sentAt`, the
   * delivery latency trend `seq:<name>`. Thresholds: `'seq:ticks.lossRate': '< 0.1%'`, `'seq:ticks.p99': '< 50ms'`.
   */
  sequences?: Record<string, SequenceDecl>;
  /**
   * `ws` engine: turn a raw frame into an event that `sequences` can match:
   * `(message, json) => json?.type === 'tick' ? { event: 'tick', data: json } : null`.
   */
  parseMessage?: MessageParser;
}

/**
 * Typed identity helper: `export default defineScenario({...})`. `ctx.data` takes the type of what
 * `setup()` returns, and `ctx.metrics` accepts the names declared in `metrics`.
 */
export function defineScenario<D = undefined, const M extends MetricDeclarations = MetricDeclarations>(scenario: Scenario<D, M>): Scenario<D, M> {
  return scenario;
}

/** The scenario's `search` block, as written (every field optional). */
export interface SearchBlock {
  /** First offered rate, new sessions per second. Default: the scenario's highest `arrivalRate`, else 10. */
  from?: number;
  /** Never offer more (default 100000). */
  maxRate?: number;
  /** Raise ×factor while steps hold (default 2). */
  factor?: number;
  /** Bisect until the bracket is within this fraction (default 0.05). */
  precision?: number;
  /** Each step's load duration (default '10s'; `--duration` overrides it). */
  step?: Duration;
  /** At most this many steps, retries included (default 16). */
  maxSteps?: number;
}
