import type { MetricsSink } from '../metrics/sink.ts';
import { ClientOpError } from './types.ts';

/** An ack's first argument; a lone `{ error }` is the server's refusal: a counted `server_error`, thrown. */
export function ackReply<T>(sink: MetricsSink, event: string, reply: unknown[]): T {
  const first = reply[0];
  if (first && typeof first === 'object' && 'error' in first && Object.keys(first).length === 1) {
    const err = new ClientOpError('server_error', `server answered \`${event}\` with an error: ${String((first as { error: unknown }).error)}`);
    sink.error(err.kind, err.message);
    throw err;
  }
  return first as T;
}

/** `f()`'s promise, or a rejected one when `f` throws before returning it (as an async function would). */
export function settled<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e);
  }
}
