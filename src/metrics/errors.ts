import { ERROR_MESSAGES_PER_KIND, type ErrorTable } from '../result/types.ts';

const SAMPLE_MAX = 300;

/** One message as kept: at most 300 characters. */
export function clip(message: string): string {
  return message.length > SAMPLE_MAX ? `${message.slice(0, SAMPLE_MAX - 1)}…` : message;
}

/**
 * Add `count` errors of `kind` with `message` to a table: the kind's count grows, and the message
 * is counted among the kind's distinct messages (up to 5; later new ones are counted in `count` only).
 */
export function addError(table: ErrorTable, kind: string, message: string, count = 1): void {
  const e = table[kind];
  if (!e) {
    table[kind] = { count, sample: message, messages: [{ message, count }] };
    return;
  }
  e.count += count;
  const list = (e.messages ??= [{ message: e.sample, count: e.count - count }]);
  const seen = list.find((m) => m.message === message);
  if (seen) seen.count += count;
  else if (list.length < ERROR_MESSAGES_PER_KIND) list.push({ message, count });
}

/** Add one table into another (generator intervals, shards): counts summed, messages merged. */
export function addErrorTable(into: ErrorTable, from: ErrorTable): void {
  for (const [kind, e] of Object.entries(from)) {
    const messages = e.messages ?? [{ message: e.sample, count: e.count }];
    const listed = messages.reduce((a, m) => a + m.count, 0);
    for (const m of messages) addError(into, kind, m.message, m.count);
    // errors whose message was not kept (beyond the 5th distinct one): counted, not listed
    if (e.count > listed) into[kind]!.count += e.count - listed;
  }
}

/** A copy with each kind's messages most frequent first. */
export function sortedErrors(table: ErrorTable): ErrorTable {
  const out: ErrorTable = {};
  for (const [k, e] of Object.entries(table)) out[k] = { count: e.count, sample: e.sample, ...(e.messages ? { messages: [...e.messages].sort((a, b) => b.count - a.count).map((m) => ({ ...m })) } : {}) };
  return out;
}
