/**
 * The HTTP side of the `sse` engine, shared by its event stream (src/clients/sse.ts) and token
 * streams (src/clients/sse-stream.ts): one request whose `text/event-stream` answer is read with
 * eventsource-parser, each event handed over with its arrival time, its `data` parsed as JSON when
 * it parses.
 */
import http from 'node:http';
import https from 'node:https';
import { createParser } from 'eventsource-parser';
import { monoMs } from '../shared/clock.ts';
import { classifyError } from './classify.ts';
import type { SseEvent } from './sse-types.ts';
import { ClientOpError } from './types.ts';

export type { SseEvent } from './sse-types.ts';

/** What an open event stream reports. */
export interface SseReader {
  /** One event, at `at` (monotonic ms). */
  event(e: SseEvent, at: number): void;
  /** The server's `retry:` (ms). */
  retry?(ms: number): void;
  /** The stream is over: `clean` when the server ended the response, else why it broke. */
  end(clean: boolean, reason: string): void;
}

/** An HTTP request that expects an event stream. */
export interface SseRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  localAddress?: string;
  agent?: http.Agent | false;
  timeoutMs: number;
}

/** What a request answered before its stream starts: the status, and, when it is no event stream, why. */
export interface SseAnswer {
  status: number;
  /** Null when the answer is a `text/event-stream` with a 2xx status; else the error sample (status, content type, the body's start). */
  refusal: string | null;
}

/** Text that looks like JSON is parsed; anything else (a token, `[DONE]`) stays text. */
export function parseData(text: string): unknown {
  const c = text.charCodeAt(0);
  // { [ " - digits t(rue) f(alse) n(ull)
  if (c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Send `r`; resolves once the answer's head arrived (rejects with a classified `ClientOpError`
 * when no answer came within `timeoutMs` or the connection failed). When the answer is an event
 * stream, its events go to `reader` until it ends; otherwise `refusal` says why and the stream
 * is closed. Returns the answer and a function that aborts the request.
 */
export function openSse(r: SseRequest, reader: SseReader): { answer: Promise<SseAnswer>; abort: () => void } {
  const mod = r.url.protocol === 'https:' ? https : http;
  const req = mod.request(r.url, {
    method: r.method,
    headers: { accept: 'text/event-stream', 'cache-control': 'no-cache', ...r.headers },
    ...(r.localAddress ? { localAddress: r.localAddress } : {}),
    ...(r.agent !== undefined ? { agent: r.agent } : {}),
  });
  let ended = false;
  const end = (clean: boolean, reason: string): void => {
    if (ended) return;
    ended = true;
    reader.end(clean, reason);
  };
  const answer = new Promise<SseAnswer>((resolve, reject) => {
    let answered = false;
    const timer = setTimeout(() => {
      if (answered) return;
      req.destroy();
      reject(new ClientOpError('connect_timeout', `${r.method} ${r.url.pathname}: no answer within ${r.timeoutMs}ms`));
    }, r.timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      if (!answered) {
        const c = classifyError(e, /timeout/i.test(e.message) ? 'connect_timeout' : 'connect_error');
        reject(new ClientOpError(c.kind, `${r.method} ${r.url.pathname}: ${c.message}`));
      } else end(false, `connection error: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
    });
    req.on('response', (res) => {
      answered = true;
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      const type = String(res.headers['content-type'] ?? '');
      if (status < 200 || status > 299 || !/^text\/event-stream\b/i.test(type)) {
        ended = true; // no stream began: the reader hears nothing (the refusal is the answer)
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 200) body += d;
        });
        const refuse = (): void => {
          const text = body.trim().slice(0, 200);
          const what =
            status < 200 || status > 299 ? `HTTP ${status}` : `HTTP ${status} with content-type ${type ? `'${type}'` : 'none'}, not text/event-stream`;
          resolve({ status, refusal: `${r.method} ${r.url.pathname} answered ${what}${text ? `: ${text}` : ''}` });
        };
        res.on('end', refuse);
        res.on('error', refuse);
        return;
      }
      const parser = createParser({
        onEvent: (m) => reader.event({ event: m.event ?? 'message', data: parseData(m.data), id: m.id }, monoMs()),
        onRetry: (ms) => reader.retry?.(ms),
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('end', () => end(true, 'the server ended the stream'));
      res.on('close', () => end(res.complete, res.complete ? 'the server ended the stream' : 'the connection broke before the stream ended'));
      res.on('error', (e) => end(false, `the connection broke before the stream ended (${(e as NodeJS.ErrnoException).code ?? e.message})`));
      resolve({ status, refusal: null });
    });
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
  return { answer, abort: () => req.destroy() };
}
