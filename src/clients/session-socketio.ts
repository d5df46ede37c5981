import { sharedMs } from '../shared/clock.ts';
import type { SessionCore } from './session-core.ts';
import type { AckEmitter } from './types.ts';

/**
 * The Socket.IO family's calls of a session: fire-and-forget events, acknowledged events, and the
 * reference app's rooms (`join`, `leave`, `broadcast`), rejoined after an automatic reconnection.
 */
export class SocketIoCalls {
  /** Rooms joined, rejoined after an automatic reconnection (as applications do). */
  private rooms: Set<string> | null = null;

  constructor(private readonly s: SessionCore) {}

  emit(event: string, args: unknown[]): void {
    if (this.s.reconnecting()) {
      this.s.sink.count('messages.unsent'); // reconnecting: a fire-and-forget event is lost, as with a volatile emit
      return;
    }
    this.s.requireConnected(event);
    try {
      this.s.transport()!.emit(event, args);
    } catch (e) {
      this.s.fail(e, 'session_error'); // an engine that cannot send (sse) says why, counted
    }
    this.s.sink.count('messages.sent');
  }

  emitWithAck<T>(event: string, args: unknown[]): Promise<T> {
    return this.s.ack<T>(event, args, this.s.opts.ackTimeoutMs);
  }

  timeout(ms: number): AckEmitter {
    return { emitWithAck: <T>(event: string, ...args: unknown[]) => this.s.ack<T>(event, args, ms) };
  }

  async join(room: string): Promise<void> {
    await this.s.ack('join', [room], this.s.opts.ackTimeoutMs);
    (this.rooms ??= new Set()).add(room);
  }

  async leave(room: string): Promise<void> {
    await this.s.ack('leave', [room], this.s.opts.ackTimeoutMs);
    this.rooms?.delete(room);
    this.s.forgetStreams(`${room}\0`);
  }

  async broadcast(room: string, data?: unknown): Promise<void> {
    await this.s.ack('broadcast', [room, { ts: sharedMs(this.s.opts.clockOffsetMs ?? 0), data }], this.s.opts.ackTimeoutMs);
  }

  /** After an automatic reconnection: join every room again, untimed. */
  async rejoin(): Promise<void> {
    for (const room of this.rooms ?? [])
      await this.s
        .transport()
        ?.emitWithAck('join', [room], this.s.opts.ackTimeoutMs)
        .catch(() => {});
  }
}
