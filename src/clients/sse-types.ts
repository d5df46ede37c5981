/** The types of the `sse` engine's events and of `client.stream()` (no imports: src/clients/types.ts uses them). */

/** One Server-Sent Event. */
export interface SseEvent {
  /** The `event:` field; `'message'` when the server sent none (as browsers' EventSource). */
  event: string;
  /** The `data:` lines (joined by `\n`), parsed as JSON when they parse, else the text. */
  data: unknown;
  /** The `id:` field of this event, if it had one. */
  id: string | undefined;
}

/** Options of `client.stream()`. */
export interface StreamOptions {
  /** HTTP method. Default `'GET'`, `'POST'` when there is a `body`. */
  method?: string;
  /** Request body: a string or bytes as they are; anything else as JSON (`content-type: application/json` unless `headers` set one). */
  body?: unknown;
  /** Extra request headers (added to the scenario's `connect.headers`). */
  headers?: Record<string, string>;
  /** Stop reading at this event: its name (`'done'`), or a function of each event (`(e) => e.data === '[DONE]'`). The event is kept. */
  until?: string | ((e: SseEvent) => boolean);
  /** Most ms the whole stream may take. Default 60 000. */
  timeout?: number;
}

/** What `client.stream()` resolves with. */
export interface StreamResult {
  /** The HTTP status. */
  status: number;
  /** Every event read, in order. */
  events: SseEvent[];
}
