import { ClientOpError } from './types.ts';

type Handler = (...args: unknown[]) => void;

/**
 * The scenario's `on(event, fn)` handlers of one client. A handler that throws is reported
 * through `onThrow` (a `session_error` with its message and line), never a crashed generator,
 * and the other handlers still run.
 */
export class EventHandlers {
  private readonly byEvent = new Map<string, Handler[]>();

  constructor(private readonly onThrow: (e: unknown) => void) {}

  /** Add a handler; true when it is the event's first (the transport must start listening to it). */
  add(event: string, handler: Handler): boolean {
    const list = this.byEvent.get(event);
    if (list) {
      list.push(handler);
      return false;
    }
    this.byEvent.set(event, [handler]);
    return true;
  }

  remove(event: string, handler: Handler): void {
    const list = this.byEvent.get(event);
    if (!list) return;
    const i = list.indexOf(handler);
    if (i >= 0) list.splice(i, 1);
  }

  /** Events with a handler (a new connection listens to each). */
  events(): IterableIterator<string> {
    return this.byEvent.keys();
  }

  /** Call the event's handlers (those present when it arrived). */
  call(event: string, args: unknown[]): void {
    const list = this.byEvent.get(event);
    if (!list) return;
    for (const h of [...list]) {
      try {
        h(...args);
      } catch (e) {
        this.onThrow(e);
      }
    }
  }
}

/** `client.waitFor(event)`: the event's next arguments, or a `wait_timeout` after `timeoutMs` (told through `onTimeout`, then rejected). */
export function waitForEvent(
  event: string,
  timeoutMs: number,
  on: (h: Handler) => void,
  off: (h: Handler) => void,
  onTimeout: (e: ClientOpError) => void,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const handler = (...args: unknown[]): void => {
      clearTimeout(timer);
      off(handler);
      resolve(args);
    };
    const timer = setTimeout(() => {
      off(handler);
      const err = new ClientOpError('wait_timeout', `no \`${event}\` event within ${timeoutMs}ms`);
      onTimeout(err);
      reject(err);
    }, timeoutMs);
    on(handler);
  });
}
