import { suggestion } from '../shared/suggest.ts';
import { show } from '../util/show.ts';
import { SEQ_PREFIX } from '../metrics/names.ts';
import type { Threshold } from '../thresholds/parse.ts';

import type { ResolvedField, ResolvedSequence } from '../clients/delivery-types.ts';

export type { ResolvedField, ResolvedSequence, SequenceDecl, SequenceField } from '../clients/delivery-types.ts';

const FIELDS = ['event', 'seq', 'key', 'sentAt'];
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

function field(v: unknown, where: string, problems: string[], required: boolean): ResolvedField | null {
  if (v === undefined) {
    if (required)
      problems.push(
        `\`${where}\` is required: the field path of the sequence number in the event's first argument (e.g. 'seq'), or a function (data, args) => number`,
      );
    return null;
  }
  if (typeof v === 'function') return { fn: true };
  if (typeof v === 'string' && PATH.test(v)) return { path: v };
  problems.push(`\`${where}\` must be a field path such as 'seq' or 'meta.seq', or a function (data, args) => value (got ${show(v)})`);
  return null;
}

/**
 * Validate `sequences` (and `parseMessage`, which turns raw `ws` frames into events they can
 * match); every problem is pushed, naming the entry and field.
 */
export function resolveSequences(s: Record<string, unknown>, engine: string, protocol: unknown, problems: string[]): ResolvedSequence[] {
  if (s.parseMessage !== undefined && typeof s.parseMessage !== 'function') {
    problems.push(
      `\`parseMessage\` must be a function (message, json) => ({ event, data }) or null, turning a raw frame into an event (got ${show(s.parseMessage)})`,
    );
  }
  const v = s.sequences;
  if (v === undefined) return [];
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    problems.push(
      `\`sequences\` must be an object of name → { event, seq, key?, sentAt? }, e.g. { ticks: { event: 'tick', seq: 'seq', key: 'room', sentAt: 'ts' } } (got ${show(v)})`,
    );
    return [];
  }
  const out: ResolvedSequence[] = [];
  for (const [name, raw] of Object.entries(v as Record<string, unknown>)) {
    const where = `sequences.${name}`;
    if (!NAME.test(name)) {
      problems.push(`\`sequences['${name}']\`: a sequence name is letters, digits, _ and -, at most 64 characters`);
      continue;
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`\`${where}\` must be { event, seq, key?, sentAt? } (got ${show(raw)})`);
      continue;
    }
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (!FIELDS.includes(k)) problems.push(`\`${where}.${k}\` is not a sequence field${suggestion(k, FIELDS)} (known: ${FIELDS.join(', ')})`);
    if (typeof e.event !== 'string' || !e.event)
      problems.push(`\`${where}.event\` must be the name of the incoming event that carries the numbers, e.g. 'tick' (got ${show(e.event)})`);
    const seq = field(e.seq, `${where}.seq`, problems, true);
    const key = field(e.key, `${where}.key`, problems, false);
    const sentAt = field(e.sentAt, `${where}.sentAt`, problems, false);
    if (typeof e.event === 'string' && e.event && seq) out.push({ name, event: e.event, seq, key, sentAt });
  }
  if (out.length && engine === 'ws' && protocol === 'raw' && typeof s.parseMessage !== 'function') {
    problems.push(
      "`sequences` with engine 'ws' and `protocol: 'raw'` need `parseMessage: (message, json) => ({ event, data })` to tell which frames are which events (every frame is raw)",
    );
  }
  return out;
}

/**
 * Threshold subjects on sequences (`seq:<name>.lossRate`, the trend `seq:<name>.p99`): each must
 * name a declared entry, and the trend one with `sentAt`. Returns their problems and the
 * thresholds that are not about sequences (checked as other metrics are).
 */
export function sequenceSubjects(thresholds: Threshold[], sequences: ResolvedSequence[], written: unknown): { problems: string[]; others: Threshold[] } {
  const problems: string[] = [];
  const others: Threshold[] = [];
  const names = written && typeof written === 'object' ? Object.keys(written) : [];
  for (const t of thresholds) {
    const p = t.parsed;
    const name =
      p.kind === 'delivery'
        ? p.sequence
        : p.kind === 'latency' && p.metric.startsWith(SEQ_PREFIX)
          ? p.metric.slice(SEQ_PREFIX.length).replace(/:replay$/, '')
          : undefined;
    if (name === undefined) {
      others.push(t);
      continue;
    }
    if (name === null) continue; // recovery.*: always there
    const entry = sequences.find((q) => q.name === name);
    if (!names.includes(name)) {
      problems.push(
        `\`thresholds['${t.subject}']\` names the sequence \`${name}\`, which \`sequences\` does not declare${suggestion(name, names)}${names.length ? ` (it has ${names.map((n) => `\`${n}\``).join(', ')})` : `: add sequences: { ${name}: { event, seq } }`}`,
      );
    } else if (p.kind === 'latency' && entry && entry.sentAt === null) {
      problems.push(`\`thresholds['${t.subject}']\`: the delivery latency \`${p.metric}\` needs \`sequences.${name}.sentAt\` (the sender's timestamp)`);
    }
  }
  return { problems, others };
}
