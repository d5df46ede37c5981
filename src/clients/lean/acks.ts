/**
 * The acks the socket.io-lean engine waits for (socketio-lean.ts): each emit with an ack gets the
 * next packet id and a `PendingAck` in a lazily created Map; the server's ACK packet resolves it;
 * ONE timer per connection, armed at the earliest deadline, rejects the late ones (`ack_timeout`)
 * and re-arms; a dropped connection rejects the rest (`disconnected`).
 *
 * `LeanAcks` is the base of the engine's one class (`LeanSocketIoTransport` extends `LeanAcks`):
 * one object per connection, so an ack costs no indirection.
 */
import { performance } from 'node:perf_hooks';
import { ClientOpError } from '../types.ts';
import type { Packet } from './parser.ts';

export class PendingAck {
  constructor(
    readonly resolve: (args: unknown[]) => void,
    readonly reject: (e: Error) => void,
    readonly deadline: number,
    readonly event: string,
    readonly timeoutMs: number,
  ) {}
}

export abstract class LeanAcks {
  protected pending: Map<number, PendingAck> | null = null;
  protected nextId = 0;
  protected ackTimer: NodeJS.Timeout | null = null;
  protected ackTimerAt = 0;

  /** True while connected to the namespace (the transport's). */
  abstract get connected(): boolean;

  protected ack(p: Packet): void {
    const pending = this.pending;
    if (pending === null) return;
    const a = pending.get(p.id);
    if (a === undefined) return; // unknown or already timed out
    pending.delete(p.id);
    a.resolve(p.data as unknown[]);
  }

  protected armAckTimer(deadline: number): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimerAt = deadline;
    this.ackTimer = setTimeout(sweepAcks, Math.max(1, Math.ceil(deadline - performance.now())), this);
  }

  /** @internal Reject the acks past their deadline; re-arm for the earliest remaining one. */
  sweep(): void {
    this.ackTimer = null;
    const pending = this.pending;
    if (pending === null || !this.connected) return;
    const now = performance.now();
    let next = Infinity;
    for (const [id, a] of pending) {
      if (a.deadline <= now) {
        pending.delete(id);
        a.reject(new ClientOpError('ack_timeout', `no ack for \`${a.event}\` within ${a.timeoutMs}ms`));
      } else if (a.deadline < next) next = a.deadline;
    }
    if (next !== Infinity && this.connected && this.ackTimer === null) this.armAckTimer(next);
  }

  protected failPending(reason: string): void {
    const pending = this.pending;
    if (pending === null || pending.size === 0) return;
    this.pending = null;
    for (const a of pending.values()) a.reject(new ClientOpError('disconnected', `connection closed before the ack of \`${a.event}\`: ${reason}`));
  }
}

// ---- the shared timer callback (no closure per connection) ----------------------------------------

function sweepAcks(t: LeanAcks): void {
  t.sweep();
}
