/**
 * `client.stream(path, options)`: one HTTP request whose `text/event-stream` answer is read to its
 * end, or to the `until` event (a model's token stream, a server's progress feed). Timed from the
 * intended clock as every operation: `sse:first` (request to first event: time to first token),
 * `sse:done` (request to the end), and `sse:gap` between consecutive events. Errors are counted by
 * kind with a sample: `http_error` (a non-2xx status or another content type), `stream_cut` (the
 * connection broke before the end, or the stream ended before the `until` event), `stream_timeout`
 * (not over within `timeout`), and the connect kinds (`connect_error`, `connect_timeout`, …).
 */
import http from 'node:http';
import { monoMs } from '../shared/clock.ts';
import { openSse } from './sse-http.ts';
import type { SseEvent, StreamOptions, StreamResult } from './sse-types.ts';
import { ClientOpError } from './types.ts';

export type { SseEvent, StreamOptions, StreamResult } from './sse-types.ts';

/** Where a token stream reports. */
export interface StreamSink {
  record(metric: string, ms: number): void;
  count(name: string, n?: number): void;
  error(kind: string, message: string): void;
}

/** What a client's token streams share: the target, its source address, a keep-alive agent (as fetch reuses connections). */
export class TokenStreams {
  private agent: http.Agent | null = null;

  constructor(
    private readonly o: { origin: string; localAddress: string; headers: () => Record<string, string> },
    private readonly sink: StreamSink,
  ) {}

  /** Run one stream timed from `intended`; resolves with the result and when it ended (monotonic ms). */
  async run(path: string, options: StreamOptions, intended: number): Promise<{ result: StreamResult; doneAt: number }> {
    const { sink } = this;
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw this.fail(
        'session_error',
        `client.stream(path): path must start with '/', e.g. '/v1/chat' (got ${JSON.stringify(path)}); it is sent to the target's origin`,
      );
    const o = options ?? {};
    const headers: Record<string, string> = { ...this.o.headers(), ...o.headers };
    let body: string | Uint8Array | undefined;
    if (o.body !== undefined) {
      if (typeof o.body === 'string' || o.body instanceof Uint8Array) body = o.body;
      else {
        body = JSON.stringify(o.body);
        if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      }
    }
    const method = (o.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
    const timeoutMs = o.timeout ?? 60_000;
    const until = o.until;
    const events: SseEvent[] = [];
    let last = -1;
    let stopped = false;
    const agent = (this.agent ??= new http.Agent({ keepAlive: true, localAddress: this.o.localAddress }));
    let settle: (v: { clean: boolean; reason: string; at: number }) => void = () => {};
    const over = new Promise<{ clean: boolean; reason: string; at: number }>((resolve) => (settle = resolve));
    const r = openSse(
      { url: new URL(path, this.o.origin), method, headers, ...(body !== undefined ? { body } : {}), agent, timeoutMs },
      {
        event: (e, at) => {
          if (stopped) return;
          events.push(e);
          sink.count('messages.received');
          if (last < 0) sink.record('sse:first', at - intended);
          else sink.record('sse:gap', at - last);
          last = at;
          let hit = false;
          try {
            hit = typeof until === 'string' ? e.event === until : typeof until === 'function' ? until(e) === true : false;
          } catch (err) {
            stopped = true;
            r.abort();
            settle({ clean: false, reason: `an \`until\` function threw: ${err instanceof Error ? err.message : String(err)}`, at });
            return;
          }
          if (hit) {
            stopped = true;
            r.abort(); // the rest is not read: as a client that got its answer
            settle({ clean: true, reason: 'until', at });
          }
        },
        end: (clean, reason) => settle({ clean, reason, at: monoMs() }),
      },
    );
    sink.count('messages.sent');
    const a = await r.answer.catch((e: unknown) => {
      throw this.fail(e instanceof ClientOpError ? e.kind : 'connect_error', e instanceof Error ? e.message : String(e));
    });
    if (a.refusal !== null) throw this.fail('http_error', a.refusal);
    let timer: NodeJS.Timeout | undefined;
    const end = await Promise.race([over, new Promise<null>((resolve) => (timer = setTimeout(resolve, Math.max(0, intended + timeoutMs - monoMs()), null)))]);
    clearTimeout(timer);
    const where = `${method} ${path.replace(/\?.*$/, '')}`;
    if (end === null) {
      stopped = true;
      r.abort();
      throw this.fail('stream_timeout', `${where}: stream not over within ${timeoutMs}ms (${events.length} events read)`);
    }
    if (!end.clean)
      throw this.fail(end.reason.startsWith('an `until`') ? 'session_error' : 'stream_cut', `${where}: ${end.reason} (${events.length} events read)`);
    if (until !== undefined && end.reason !== 'until')
      throw this.fail('stream_cut', `${where}: the stream ended before the \`until\` event (${events.length} events read)`);
    sink.record('sse:done', end.at - intended);
    return { result: { status: a.status, events }, doneAt: end.at };
  }

  /** The client is done: close kept-alive connections. */
  close(): void {
    this.agent?.destroy();
    this.agent = null;
  }

  private fail(kind: string, message: string): ClientOpError {
    this.sink.error(kind, message);
    return new ClientOpError(kind as ClientOpError['kind'], message);
  }
}
