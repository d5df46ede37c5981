import { RECOVERY_FRESH, RECOVERY_NEVER, RECOVERY_RESUMED, SEQ_PREFIX, seqKey } from '../metrics/names.ts';

/**
 * Threshold subjects on delivery and recovery (the grammar's `delivery` rule, src/thresholds/parse.ts):
 *
 * ```text
 * delivery ::= "seq:" name "." ("lossRate" | "deliveredRate" | "received" | "lost" | "duplicates" | "outOfOrder" | "replayed")
 *            | "recovery." ("resumedRate" | "neverRate" | "resumed" | "fresh" | "never")
 * ```
 * Rates are fractions: `lossRate` = lost / (received − duplicates + lost), `deliveredRate` its
 * complement; `resumedRate` = resumed / (resumed + fresh + never), `neverRate` = never / the same.
 * A rate of nothing (no message, no reconnection) has no figure: the threshold fails.
 */
export interface DeliverySubject {
  kind: 'delivery';
  /** The `sequences` entry, or null for `recovery.*`. */
  sequence: string | null;
  stat: string;
}

export const SEQ_STATS = ['lossRate', 'deliveredRate', 'received', 'lost', 'duplicates', 'outOfOrder', 'replayed'] as const;
export const RECOVERY_STATS = ['resumedRate', 'neverRate', 'resumed', 'fresh', 'never'] as const;

/** `seq:<name>.<stat>` or `recovery.<stat>` as a delivery subject, or null (another kind of subject, e.g. `seq:ticks.p99`, `recovery.p99`). */
export function parseDeliverySubject(head: string, tail: string): DeliverySubject | null {
  if (head === 'recovery') return (RECOVERY_STATS as readonly string[]).includes(tail) ? { kind: 'delivery', sequence: null, stat: tail } : null;
  if (head.startsWith(SEQ_PREFIX) && head.length > SEQ_PREFIX.length && (SEQ_STATS as readonly string[]).includes(tail))
    return { kind: 'delivery', sequence: head.slice(SEQ_PREFIX.length), stat: tail };
  return null;
}

/** True for a rate (a fraction), false for a count. */
export const isDeliveryRate = (s: DeliverySubject): boolean => s.stat.endsWith('Rate');

/** The figure of a delivery subject from a run's counters, or null when it has none. */
export function deliveryValue(s: DeliverySubject, c: Record<string, number>): number | null {
  const n = (k: string): number => c[k] ?? 0;
  if (s.sequence === null) {
    const resumed = n(RECOVERY_RESUMED);
    const fresh = n(RECOVERY_FRESH);
    const never = n(RECOVERY_NEVER);
    const all = resumed + fresh + never;
    if (s.stat === 'resumedRate') return all > 0 ? resumed / all : null;
    if (s.stat === 'neverRate') return all > 0 ? never / all : null;
    return n(`recovery.${s.stat}`);
  }
  const q = s.sequence;
  const lost = Math.max(0, n(seqKey(q, 'lost')));
  const got = n(seqKey(q, 'received')) - n(seqKey(q, 'duplicates'));
  if (s.stat === 'lossRate') return got + lost > 0 ? lost / (got + lost) : null;
  if (s.stat === 'deliveredRate') return got + lost > 0 ? got / (got + lost) : null;
  return s.stat === 'lost' ? lost : n(`${SEQ_PREFIX}${q}.${s.stat}`);
}
