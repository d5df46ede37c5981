import type { ResumeState } from '../types.ts';
import type { Packet } from './parser.ts';

/**
 * Socket.IO connection-state recovery for one connection of the lean engine, as socket.io-client
 * does it: the CONNECT packet carries the private session id (`pid`) and the offset of the last
 * event received (the string the server appends to each event while recovery is on); the server's
 * CONNECT answer keeps that `pid` when it restored the session, and the missed events it replays
 * come BEFORE that answer (they are held, and delivered after it). `state` is the client's, carried
 * from one connection to the next.
 */
export class LeanResume {
  /** The session id this connection asked to resume, or null. */
  private asked: string | null = null;
  private early: Packet[] | null = null;
  /** True once the server resumed the session asked for. */
  resumed = false;

  constructor(private readonly state: ResumeState) {}

  /** The CONNECT payload: `auth` with `pid` and `offset` when there is a session to resume. */
  auth(auth: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    const s = this.state;
    if (s.pid === null) return auth;
    this.asked = s.pid;
    return { pid: s.pid, ...(s.offset !== null ? { offset: s.offset } : {}), ...auth };
  }

  /** An event before the CONNECT answer: held when a session was asked for (true), else dropped. */
  hold(p: Packet): boolean {
    if (this.asked === null) return false;
    (this.early ??= []).push(p);
    return true;
  }

  /** The server's CONNECT answer `{ sid, pid }`: the held events to deliver now (a resumed session's missed ones), or null. */
  answer(data: unknown): Packet[] | null {
    const pid = data !== null && typeof data === 'object' ? (data as { pid?: unknown }).pid : undefined;
    this.resumed = this.asked !== null && pid === this.asked;
    this.state.pid = typeof pid === 'string' ? pid : null;
    if (!this.resumed) this.state.offset = null;
    const early = this.early;
    this.early = null;
    return this.resumed ? early : null;
  }

  /** An event's arguments (its name first): the last one is its offset when it is a string. */
  seen(args: unknown[]): void {
    const last = args[args.length - 1];
    if (this.state.pid !== null && typeof last === 'string' && args.length > 1) this.state.offset = last;
  }
}
