import type { MetricsSink } from '../metrics/sink.ts';
import { monoMs } from '../shared/clock.ts';
import { ackReply, settled } from './ack-reply.ts';
import { within } from './recovery.ts';
import type { SessionClientOptions } from './session-options.ts';
import { ClientOpError, type Transport } from './types.ts';

/**
 * The timing rule of a session, in one place: the client keeps an *intended clock* (`cursor`).
 * An operation is timed from the intended clock, not from when it actually began, so lateness
 * (a stalled server, a saturated generator) is counted; after it completes the intended clock
 * moves to its completion time. Beside each timed write, the harness's own share (`harness`).
 * SessionClient (session-client.ts) builds the Client API on it.
 */
export abstract class TimedSession {
  connected = false;
  protected cursor: number;
  protected transport: Transport | null = null;
  /** While reconnecting after an unexpected disconnect: resolves true once connected again. */
  protected recovering: Promise<boolean> | null = null;

  constructor(
    protected readonly sink: MetricsSink,
    protected readonly opts: SessionClientOptions,
  ) {
    this.cursor = opts.intendedStart;
  }

  /** While reconnecting, wait for it (at most `timeoutMs`); true when connected. */
  protected async awaitRecovery(timeoutMs: number): Promise<boolean> {
    if (this.connected) return true;
    const r = this.recovering;
    if (!r) return false;
    return (await within(r, timeoutMs)) && this.connected;
  }

  protected ack<T>(event: string, args: unknown[], timeoutMs: number): Promise<T> {
    return this.timed(
      event,
      timeoutMs,
      () => this.transport!.emitWithAck(event, args, timeoutMs),
      'ack',
      (reply) => ackReply<T>(this.sink, event, reply),
    );
  }

  /**
   * One answered operation, timed from the intended clock: an ack (`ack` and `ack:<name>`, the
   * reply counted as received) or a raw request (`request`, and `request:<name>` when named; its
   * reply was counted on arrival); beside it the harness's own share, `harness`: how late it was
   * written against its intended time. No async frame here (~1 KB of garbage per operation).
   */
  protected timed<T = unknown[], R = T>(
    name: string,
    timeoutMs: number,
    op: () => Promise<T | void>,
    kind: 'ack' | 'request' = 'ack',
    map?: (reply: T) => R,
  ): Promise<R> {
    const intended = this.reference();
    const timeoutKind = kind === 'ack' ? 'ack_timeout' : 'request_timeout';
    if (!this.connected && this.recovering) {
      return this.awaitRecovery(timeoutMs).then((ok) => {
        if (!ok)
          this.fail(
            new ClientOpError(timeoutKind, `no ${kind === 'ack' ? 'ack for' : 'reply to'} \`${name || kind}\`: still reconnecting after ${timeoutMs}ms`),
            timeoutKind,
          );
        return this.sendTimed<T, R>(name, intended, op, kind, timeoutKind, map, false);
      });
    }
    return settled(() => this.sendTimed<T, R>(name, intended, op, kind, timeoutKind, map));
  }

  /** `harness`: false after waiting for a reconnection (the server's doing, not the generator's). */
  protected sendTimed<T, R>(
    name: string,
    intended: number,
    op: () => Promise<T | void>,
    kind: 'ack' | 'request',
    timeoutKind: ClientOpError['kind'],
    map?: (reply: T) => R,
    harness = true,
  ): Promise<R> {
    this.requireConnected(name || kind);
    this.sink.count('messages.sent');
    const pending = settled(op);
    // the engine's write is synchronous: now it is written, this late against the intended time
    if (harness) this.sink.record('harness', monoMs() - intended);
    return pending.then(
      (reply) => {
        const done = monoMs();
        const ms = done - intended;
        this.sink.record(kind, ms);
        if (name) this.sink.record(kind === 'ack' ? `ack:${name}` : `request:${name}`, ms);
        if (kind === 'ack') this.sink.count('messages.received');
        this.cursor = done;
        const r = (reply ?? []) as T;
        return map ? map(r) : (r as unknown as R);
      },
      (e: unknown) => this.fail(e, timeoutKind),
    );
  }

  /**
   * What an operation starting now is timed from: its intended time when it starts late (so the
   * lateness counts), or now when a timer woke us a little early (so the round trip is never
   * shortened).
   */
  protected reference(): number {
    return Math.min(this.cursor, monoMs());
  }

  protected requireConnected(event: string): void {
    if (!this.connected) {
      const err = new ClientOpError('disconnected', `\`${event}\` sent while not connected (call client.connect() first)`);
      this.sink.error(err.kind, err.message);
      throw err;
    }
  }

  protected fail(e: unknown, fallback: ClientOpError['kind']): never {
    const err = e instanceof ClientOpError ? e : new ClientOpError(fallback, e instanceof Error ? e.message : String(e));
    this.sink.error(err.kind, err.message);
    throw err;
  }
}
