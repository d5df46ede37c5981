import type { ConnectOptions } from './connect-options.ts';
import type { DeliveryPlan } from './delivery.ts';
import type { ReconnectPolicy } from './types.ts';

/** What a `SessionClient` is made with (src/clients/session-client.ts). */
export interface SessionClientOptions {
  id: number;
  sourceAddress: string;
  /** Intended start of the session (monotonic ms): the session's clock starts here. */
  intendedStart: number;
  ackTimeoutMs: number;
  connectTimeoutMs: number;
  random: () => number;
  /** Reconnect after unexpected disconnects, or null (a lost connection stays lost). */
  reconnect?: ReconnectPolicy | null;
  /** Reference clock minus this host's monotonic clock (ms), for timestamps that cross hosts (shards); default 0. */
  clockOffsetMs?: number;
  /** The scenario's `connect` default for this client (called and awaited at the first connect; may throw). */
  connectDefaults?: () => ConnectOptions | Promise<ConnectOptions> | undefined;
  /** True when the engine carries raw frames (`ws`): `send`, `request`, `onMessage`, `waitForMessage`. */
  rawFrames?: boolean;
  /** `sse` engine: the target's origin (`http(s)://host:port`), where `client.stream()` sends its requests. */
  streamOrigin?: string;
  /** A user error's message with its scenario line (for a `match` or an `on()` handler that throws). */
  describeError?: (e: unknown) => string;
  /** The scenario's `sequences`, compiled once per generator (src/clients/delivery.ts), or null. */
  delivery?: DeliveryPlan | null;
}
