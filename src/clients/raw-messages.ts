import { ClientOpError, type MessageMatch, type RawMessage } from './types.ts';

/** One `request()` or `waitForMessage()` waiting for its message. */
interface Waiter {
  match: MessageMatch;
  resolve: (m: RawMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** What the raw channel counts: every incoming message. */
export interface RawSink {
  count(name: string, n?: number): void;
}

/**
 * Incoming raw messages of one client (the `ws` engine's frames outside the reference protocol):
 * every message is counted as `messages.received`, handed to every `onMessage` handler, then
 * offered to the pending requests and waiters in the order they were made; the first whose
 * `match` returns true takes it (a message settles at most one of them). A `match` that throws
 * rejects its own request or wait with a `session_error` carrying its scenario line (the caller
 * counts it); the others go on.
 */
export class RawMessages {
  private readonly handlers: Array<(m: RawMessage, json: unknown) => void> = [];
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly sink: RawSink,
    private readonly describe: (e: unknown) => string,
  ) {}

  onMessage(handler: (m: RawMessage, json: unknown) => void): void {
    this.handlers.push(handler);
  }

  /** Wait for the first message `match` accepts; after `timeoutMs`, reject with `timeoutError()`. */
  wait(match: MessageMatch, timeoutMs: number, timeoutError: () => ClientOpError): Promise<RawMessage> {
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(w);
          reject(timeoutError());
        }, timeoutMs),
      };
      this.waiting.push(w);
    });
  }

  /** One incoming message. */
  dispatch(m: RawMessage, json: unknown): void {
    this.sink.count('messages.received');
    for (const h of this.handlers) h(m, json);
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i]!;
      let hit: boolean;
      try {
        hit = w.match(m, json) === true;
      } catch (e) {
        this.settle(i--, w);
        w.reject(new ClientOpError('session_error', `a \`match\` function threw: ${this.describe(e)}`));
        continue;
      }
      if (hit) {
        this.settle(i, w);
        w.resolve(m);
        return;
      }
    }
  }

  /** The connection is gone: reject every waiter with `reason`. */
  failAll(reason: () => ClientOpError): void {
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(reason());
    }
  }

  private settle(i: number, w: Waiter): void {
    clearTimeout(w.timer);
    this.waiting.splice(i, 1);
  }

  private remove(w: Waiter): void {
    const i = this.waiting.indexOf(w);
    if (i >= 0) this.waiting.splice(i, 1);
  }
}
