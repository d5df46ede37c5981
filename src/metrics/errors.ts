import { ERROR_MESSAGES_PER_KIND, type ErrorTable } from '../result/types.ts';

const SAMPLE_MAX = 300;
/**
 * Distinct messages tracked per kind while errors are counted and merged (a Misra–Gries summary):
 * counts are exact while a kind has at most this many distinct messages; beyond, a message's
 * count may be low by at most (its kind's count) / (TRACKED + 1), never high. The result keeps the
 * `ERROR_MESSAGES_PER_KIND` largest.
 */
export const ERROR_MESSAGES_TRACKED = 32;

/** One message as kept: at most 300 characters. */
export function clip(message: string): string {
  return message.length > SAMPLE_MAX ? `${message.slice(0, SAMPLE_MAX - 1)}…` : message;
}

/**
 * A message with what changes from one error to the next replaced by placeholders, so that
 * `session 17 timed out after 5003 ms` and `session 4 timed out after 5001 ms` count as one:
 * UUIDs → `<uuid>`, IPv4 addresses → `<ip>`, hex (0x…, or 8+ hex digits) → `<hex>`, ids (10+
 * letters and digits mixed, e.g. a Socket.IO sid) → `<id>`, other numbers → `<n>`. An HTTP status
 * (`HTTP 503`, `status 429`) and a source location (`chat.ts:12:7`) are kept: they tell failures apart.
 */
export function normaliseMessage(message: string): string {
  // a source location (the user's frame `…/chat.ts:12:7`) is kept whole: another line is another error
  return message
    .split(SOURCE_LOCATION)
    .map((part, i) => (i % 2 ? part : normalisePart(part)))
    .join('');
}

const SOURCE_LOCATION = /((?:file:\/\/)?[\w./\\@+-]*\.[cm]?[jt]sx?:\d+(?::\d+)?)/;

function normalisePart(text: string): string {
  return text
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '<ip>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/(?<![\w<])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{10,}(?![\w>])/g, '<id>')
    .replace(/\b(HTTP|status|code)( |=|: ?)(\d{3})\b|\d+(?:\.\d+)?/gi, (m, word?: string, sep?: string, status?: string) =>
      word ? `${word}${sep}${status}` : '<n>',
    );
}

type Entry = NonNullable<ErrorTable[string]['messages']>[number];

/** What a report shows for a group of messages: its raw example (a real message), else the message itself (it had nothing to normalise). */
export function shownMessage(m: Pick<Entry, 'message' | 'example'>): string {
  return m.example ?? m.message;
}

/** Misra–Gries: beyond `TRACKED` messages, take the (TRACKED+1)-th largest count off every message and drop those at zero. */
function prune(list: Entry[]): Entry[] {
  if (list.length <= ERROR_MESSAGES_TRACKED) return list;
  list.sort((a, b) => b.count - a.count);
  const cut = list[ERROR_MESSAGES_TRACKED]!.count;
  return list.filter((m) => (m.count -= cut) > 0);
}

/** Count `count` of one message (its template, with one raw example kept) into a kind's list. */
function countMessage(list: Entry[], template: string, example: string, count: number): Entry[] {
  const seen = list.find((m) => m.message === template);
  if (seen) {
    seen.count += count;
    return list;
  }
  list.push({ message: template, count, ...(example !== template ? { example } : {}) });
  return prune(list);
}

/**
 * Add `count` errors of `kind` with `message` to a table: the kind's count grows, and the message
 * is counted under its normalised form (`normaliseMessage`) among the kind's most frequent ones.
 */
export function addError(table: ErrorTable, kind: string, message: string, count = 1): void {
  addNormalised(table, kind, clip(normaliseMessage(message)), message, count);
}

function addNormalised(table: ErrorTable, kind: string, template: string, example: string, count: number): void {
  const e = table[kind];
  if (!e) {
    table[kind] = { count, sample: example, messages: [{ message: template, count, ...(example !== template ? { example } : {}) }] };
    return;
  }
  const before = e.count;
  e.count += count;
  e.messages = countMessage(e.messages ?? [{ message: normaliseMessage(e.sample), count: before, example: e.sample }], template, example, count);
}

/**
 * Add one table into another (generator intervals, rounds, shards): counts summed, messages
 * merged as Misra–Gries summaries merge (bounded, and still never over-counting a message).
 */
export function addErrorTable(into: ErrorTable, from: ErrorTable): void {
  for (const [kind, e] of Object.entries(from)) {
    const messages = e.messages ?? [{ message: normaliseMessage(e.sample), count: e.count, example: e.sample }];
    const listed = messages.reduce((a, m) => a + m.count, 0);
    for (const m of messages) addNormalised(into, kind, m.message, m.example ?? m.message, m.count);
    // errors whose message was not kept: counted, not listed
    if (e.count > listed) into[kind]!.count += e.count - listed;
    if (!into[kind]!.sample) into[kind]!.sample = e.sample;
  }
}

/** A copy with each kind's `ERROR_MESSAGES_PER_KIND` most frequent messages, most frequent first (the rest counted in `count` only). */
export function sortedErrors(table: ErrorTable): ErrorTable {
  const out: ErrorTable = {};
  for (const [k, e] of Object.entries(table)) {
    out[k] = {
      count: e.count,
      sample: e.sample,
      ...(e.messages
        ? {
            messages: [...e.messages]
              .sort((a, b) => b.count - a.count)
              .slice(0, ERROR_MESSAGES_PER_KIND)
              .map((m) => ({ ...m })),
          }
        : {}),
    };
  }
  return out;
}
