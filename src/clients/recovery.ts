import { monoMs, sleep } from '../shared/clock.ts';
import { classifyError } from './classify.ts';
import { ClientOpError, type ReconnectInfo, type ReconnectPolicy, type Transport } from './types.ts';
import { hitConnection, type NetworkFaultKind } from './network-fault.ts';
import { RECOVERY_FRESH, RECOVERY_RESUMED } from '../metrics/names.ts';
import { DeliveryTracker, type DeliveryPlan, type DeliverySink } from './delivery.ts';

/** Where a reconnection counts its failed attempts. */
export interface RecoverySink {
  count(name: string, n?: number): void;
  error(kind: string, message: string): void;
}

/** socket.io-client's Manager reconnects by itself: wait for its verdict (true: connected again). */
export function engineRecovery(t: Transport, sink: RecoverySink, closed: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    t.onReconnect!((event, detail) => {
      if (event === 'attempt_error') {
        const err = classifyError(detail);
        sink.count('recovery.attemptErrors');
        if (err.kind === 'session_unknown') sink.error(err.kind, err.message);
      } else resolve(event === 'reconnected' && !closed());
    });
  });
}

/**
 * Engines without their own reconnection: new connections (`attempt()` makes and wires one) with
 * exponential backoff and ±50 % jitter; true once one connected. `notBefore` (monotonic ms): a
 * client offline (a network fault) makes its first attempt when that ends, or after its first
 * backoff delay if that is later.
 */
export async function loopRecovery(
  policy: ReconnectPolicy,
  o: { random: () => number; connectTimeoutMs: number },
  sink: RecoverySink,
  closed: () => boolean,
  attempt: () => Transport,
  notBefore = 0,
): Promise<boolean> {
  for (let i = 0; i < policy.attempts && !closed(); i++) {
    const base = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** i);
    const delay = base * (0.5 + o.random());
    await sleep(i === 0 ? Math.max(delay, notBefore - monoMs()) : delay);
    if (closed()) return false;
    const t = attempt();
    try {
      await t.connect(o.connectTimeoutMs);
      return true;
    } catch (e) {
      sink.count('recovery.attemptErrors');
      if (e instanceof ClientOpError && e.kind === 'session_unknown') sink.error(e.kind, e.message);
      t.close();
    }
  }
  return false;
}

/** A reconnection in progress, waited for at most `timeoutMs`: its verdict, or false. */
export async function within(recovering: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([recovering, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
  clearTimeout(timer);
  return ok;
}

/**
 * What a client carries across its connections besides the connection itself: the scenario's
 * `sequences` check (`delivery`), a network fault's offline hold (no reconnection attempt before
 * `offlineUntil`), and once connected again: `recovery.resumed` or `recovery.fresh` (the engine says
 * whether the server resumed the session: Socket.IO connection-state recovery, an SSE stream resumed
 * with Last-Event-ID), the delivery check told, a fresh session's rooms and channels joined again
 * (`rejoin`), then the session's `client.onReconnect` handlers in turn (one that throws is a session error).
 */
export class ClientWeather {
  /** A network fault took the client offline until this monotonic time: no reconnection attempt before. */
  offlineUntil = 0;
  /** A network fault 'drop' reset the connection and its disconnect has not been seen yet. */
  dropped = false;
  /** A network fault 'blackhole' silences the connection until this monotonic time. */
  silencedUntil = 0;
  readonly delivery: DeliveryTracker | null;
  private handlers: Array<(info: ReconnectInfo) => void | Promise<void>> | null = null;

  constructor(
    private readonly sink: RecoverySink & DeliverySink,
    private readonly opts: { delivery?: DeliveryPlan | null; describeError?: (e: unknown) => string },
  ) {
    this.delivery = opts.delivery ? new DeliveryTracker(opts.delivery, sink) : null;
  }

  /** The error text of a disconnect: the server's doing, unless rtbench's own drop reset the connection (once per drop). */
  lostReason(reason: string): string {
    if (!this.dropped && monoMs() < this.silencedUntil)
      return `rtbench's network fault 'blackhole' silenced the connection; the heartbeat noticed (the client saw: ${reason})`;
    if (!this.dropped) return `server closed the connection: ${reason}`;
    this.dropped = false;
    return `rtbench's network fault 'drop' reset the connection (the client saw: ${reason})`;
  }

  add(handler: (info: ReconnectInfo) => void | Promise<void>): void {
    if (typeof handler !== 'function') throw new TypeError('client.onReconnect(handler): the handler must be a function ({ resumed }) => { ... }');
    (this.handlers ??= []).push(handler);
  }

  async reconnected(t: Transport | null, rejoin: () => Promise<unknown>): Promise<void> {
    const resumed = t?.resumed === true;
    this.sink.count(resumed ? RECOVERY_RESUMED : RECOVERY_FRESH);
    this.delivery?.reconnected();
    if (!resumed) await rejoin(); // a resumed session kept its rooms and channels on the server
    for (const h of this.handlers ?? []) {
      try {
        await h({ resumed });
      } catch (e) {
        this.sink.error('session_error', `client.onReconnect handler threw: ${this.opts.describeError?.(e) ?? String(e)}`);
      }
    }
  }
}

/** A network fault on `t` (null: not connected); false when there was no connection to hit. A drop's offline time goes to `w`. */
export function hitClient(t: Transport | null, kind: NetworkFaultKind, ms: number, w: ClientWeather | null): boolean {
  const until = t === null ? null : hitConnection(t, kind, ms);
  if (until !== null && until > 0 && w !== null) w.offlineUntil = until;
  if (until !== null && kind === 'drop' && w !== null) w.dropped = true;
  if (until !== null && kind === 'blackhole' && w !== null) w.silencedUntil = monoMs() + ms;
  return until !== null;
}
