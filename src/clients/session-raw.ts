import { RawMessages } from './raw-messages.ts';
import type { SessionCore } from './session-core.ts';
import { ClientOpError, type MessageMatch, type RawMessage, type RequestOptions } from './types.ts';

/**
 * The raw-frame calls of a session (`ws` engine: `send`, `onMessage`, `waitForMessage`,
 * `request`), over the incoming messages of src/clients/raw-messages.ts. With another engine each
 * call is a counted `session_error` that names the calls to use instead.
 */
export class RawCalls {
  /** Raw frames, created on first use. */
  private messages: RawMessages | null = null;

  constructor(private readonly s: SessionCore) {}

  send(data: string | Uint8Array): void {
    this.require('send');
    if (this.s.reconnecting()) {
      this.s.sink.count('messages.unsent');
      return;
    }
    this.s.requireConnected('send');
    this.s.transport()!.sendRaw!(data);
    this.s.sink.count('messages.sent');
  }

  onMessage(handler: (message: RawMessage, json: unknown) => void): void {
    this.require('onMessage');
    this.raw().onMessage(handler);
  }

  waitForMessage(match: MessageMatch, timeoutMs = this.s.opts.ackTimeoutMs): Promise<RawMessage> {
    this.require('waitForMessage');
    return this.raw()
      .wait(match, timeoutMs, () => new ClientOpError('wait_timeout', `no message matched within ${timeoutMs}ms (waitForMessage)`))
      .catch((e: unknown) => this.s.fail(e, 'wait_timeout'));
  }

  /** Timed as `emitWithAck` is: from the intended clock, to the first message `match` accepts. */
  request(data: string | Uint8Array, match: MessageMatch, options: RequestOptions = {}): Promise<RawMessage> {
    this.require('request');
    const timeoutMs = options.timeout ?? this.s.opts.ackTimeoutMs;
    const label = options.name ? `request \`${options.name}\`` : 'request';
    return this.s.timed(
      options.name ?? '',
      timeoutMs,
      () => {
        const reply = this.raw().wait(match, timeoutMs, () => new ClientOpError('request_timeout', `no reply to ${label} within ${timeoutMs}ms`));
        this.s.transport()!.sendRaw!(data);
        return reply;
      },
      'request',
    );
  }

  /** A raw frame arrived on the current transport. */
  dispatch(m: RawMessage, json: unknown): void {
    this.raw().dispatch(m, json);
  }

  /** The connection is gone: every pending request and wait fails with `error()` (no reply can come). */
  failAll(error: () => ClientOpError): void {
    this.messages?.failAll(error);
  }

  private raw(): RawMessages {
    return (this.messages ??= new RawMessages(this.s.sink, this.s.opts.describeError ?? ((e) => (e instanceof Error ? e.message : String(e)))));
  }

  private require(call: string): void {
    if (!this.s.opts.rawFrames) {
      this.s.fail(
        new ClientOpError(
          'session_error',
          `\`client.${call}()\` needs engine 'ws' (raw WebSocket frames): with a Socket.IO engine use emit / emitWithAck / on / waitFor`,
        ),
        'session_error',
      );
    }
  }
}
