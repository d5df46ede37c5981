import type { MetricsSink } from '../metrics/sink.ts';
import type { SessionClientOptions } from './session-options.ts';
import type { ClientOpError, Transport } from './types.ts';

/**
 * What each engine family's calls (session-socketio.ts: emit, acks and rooms; session-channels.ts:
 * SocketCluster channels; session-raw.ts: raw WebSocket frames) use of the `SessionClient` they
 * belong to: its current transport, its intended clock (`timed`, `ack`) and its error reporting.
 */
export interface SessionCore {
  readonly sink: MetricsSink;
  readonly opts: SessionClientOptions;
  /** The current transport (a new one after each reconnection; null before connect and after disconnect). */
  transport(): Transport | null;
  /** Reconnecting after an unexpected disconnect: a fire-and-forget send is counted `messages.unsent` and dropped. */
  reconnecting(): boolean;
  /** Throws a counted `disconnected` error when not connected. */
  requireConnected(what: string): void;
  /** One answered operation timed from the intended clock (waits for a reconnection in progress first). */
  timed<T = unknown[]>(name: string, timeoutMs: number, op: () => Promise<T | void>, kind?: 'ack' | 'request'): Promise<T>;
  /** `emitWithAck` on the current transport, timed; a lone `{ error }` reply is a counted `server_error`. */
  ack<T>(event: string, args: unknown[], timeoutMs: number): Promise<T>;
  /** Count `e` (a `ClientOpError`, else one of kind `fallback`) and throw it. */
  fail(e: unknown, fallback: ClientOpError['kind']): never;
  /** Forget the numbered streams whose key starts with `prefix` (a room left, a channel unsubscribed). */
  forgetStreams(prefix: string): void;
}
