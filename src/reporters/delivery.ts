import type { MetricSummary } from '../result/metric.ts';
import type { RunResult } from '../result/types.ts';
import { RECOVERY_FRESH, RECOVERY_NEVER, RECOVERY_ONLINE, RECOVERY_RESUMED, SEQ_PREFIX } from '../metrics/names.ts';
import { table } from '../util/table.ts';

/** One `sequences` entry's delivery, from a run's counters and trends. */
export interface SequenceView {
  name: string;
  received: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  replayed: number;
  unreadable: number;
  /** Distinct numbers received over those received or lost (null: none of either). */
  delivered: number | null;
  /** Delivery latency `seq:<name>`, and of the replayed messages alone `seq:<name>:replay` (with `sentAt`). */
  latency: MetricSummary | null;
  replay: MetricSummary | null;
}

/** How automatic reconnections ended. */
export interface RecoveryView {
  disconnects: number;
  resumed: number;
  fresh: number;
  never: number;
  /** resumed / (resumed + fresh + never), null without any. */
  resumedRate: number | null;
  /** Disconnect to connected again. */
  recovery: MetricSummary | null;
  /** Back online (the end of a drop's `offline` time) to connected again: null when no client was held offline (then it equals `recovery`). */
  online: MetricSummary | null;
}

const SEQ_COUNTER = /^seq:(.+)\.(received|lost|duplicates|outOfOrder|replayed|unreadable)$/;

/** The delivery and recovery figures of a run (null parts: nothing of the kind happened). */
export function deliveryView(r: RunResult): { sequences: SequenceView[]; recovery: RecoveryView | null } {
  const c = r.counters;
  const n = (k: string): number => c[k] ?? 0;
  const names = new Set<string>();
  for (const k of Object.keys(c)) {
    const m = SEQ_COUNTER.exec(k);
    if (m) names.add(m[1]!);
  }
  const sequences = [...names].sort().map((name): SequenceView => {
    const k = (s: string): number => n(`${SEQ_PREFIX}${name}.${s}`);
    const lost = Math.max(0, k('lost'));
    const got = k('received') - k('duplicates');
    return {
      name,
      received: k('received'),
      lost,
      duplicates: k('duplicates'),
      outOfOrder: k('outOfOrder'),
      replayed: k('replayed'),
      unreadable: k('unreadable'),
      delivered: got + lost > 0 ? got / (got + lost) : null,
      latency: r.metrics[`${SEQ_PREFIX}${name}`] ?? null,
      replay: r.metrics[`${SEQ_PREFIX}${name}:replay`] ?? null,
    };
  });
  const [resumed, fresh, never] = [n(RECOVERY_RESUMED), n(RECOVERY_FRESH), n(RECOVERY_NEVER)];
  const all = resumed + fresh + never;
  const recovery =
    all + n('disconnects') > 0
      ? {
          disconnects: n('disconnects'),
          resumed,
          fresh,
          never,
          resumedRate: all > 0 ? resumed / all : null,
          recovery: r.metrics.recovery ?? null,
          online: heldOffline(r),
        }
      : null;
  return { sequences, recovery };
}

/** `recovery:online` when it differs from `recovery` (some clients were held offline by a drop), else null. */
function heldOffline(r: RunResult): MetricSummary | null {
  const [all, online] = [r.metrics.recovery, r.metrics[RECOVERY_ONLINE]];
  return all && online?.count && online.mean < all.mean ? online : null;
}

const pct = (v: number | null): string => (v === null ? '-' : `${+(v * 100).toFixed(v > 0.999 && v < 1 ? 3 : 2)}%`);
const ms = (v: number | undefined): string => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const p50p99 = (m: MetricSummary | null): string => (m?.count ? `${ms(m.p50)}/${ms(m.p99)}ms` : '-');

/** The recovery sentence: "18 reconnections: 18 resumed (100%), 0 fresh, 0 never came back; recovery p50/p99 310/420ms". */
export function recoverySentence(v: RecoveryView): string {
  return `${v.disconnects} unexpected disconnects; ${v.resumed + v.fresh} reconnected: ${v.resumed} resumed (${pct(v.resumedRate)}), ${v.fresh} fresh; ${v.never} never came back; recovery p50/p99 ${p50p99(v.recovery)}${v.online ? ` (back online to connected: ${p50p99(v.online)})` : ''}`;
}

/** Table rows of the sequences (header first). */
export function sequenceRows(seqs: SequenceView[]): string[][] {
  const rows = [['sequence', 'received', 'lost', 'delivered', 'dup', 'ooo', 'replayed', 'latency p50/p99', 'replay p50/p99']];
  for (const s of seqs)
    rows.push([
      s.name,
      String(s.received),
      String(s.lost),
      pct(s.delivered),
      String(s.duplicates),
      String(s.outOfOrder),
      String(s.replayed),
      p50p99(s.latency),
      p50p99(s.replay),
    ]);
  return rows;
}

/** Console block "delivery and recovery" (empty when the run has neither). */
export function deliveryLines(r: RunResult): string[] {
  const v = deliveryView(r);
  const out: string[] = [];
  if (v.sequences.length) {
    out.push('  delivery (your sequences):', table(sequenceRows(v.sequences), '    '));
    for (const s of v.sequences)
      if (s.unreadable) out.push(`    ! ${s.name}: ${s.unreadable} events without a readable seq (seq:${s.name}.unreadable), not counted as received`);
  }
  if (v.recovery) out.push(`  recovery: ${recoverySentence(v.recovery)}`);
  return out;
}

/** Markdown lines of the same. */
export function deliveryMarkdown(r: RunResult, esc: (s: string) => string): string[] {
  const v = deliveryView(r);
  const out: string[] = [];
  if (v.sequences.length) {
    const [head, ...rows] = sequenceRows(v.sequences);
    out.push(
      '',
      `| ${head!.join(' | ')} |`,
      `|${head!.map((_, i) => (i ? '---:' : '---')).join('|')}|`,
      ...rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
    );
  }
  if (v.recovery) out.push('', `Recovery: ${esc(recoverySentence(v.recovery))}`);
  return out;
}

/** JUnit testsuite properties: `seq:<name>.received|lost|replayed|deliveredRate`, `recovery.resumed|fresh|never|resumedRate`. */
export function deliveryProperties(r: RunResult): Array<[string, string]> {
  const v = deliveryView(r);
  const out: Array<[string, string]> = [];
  for (const s of v.sequences) {
    out.push([`seq:${s.name}.received`, String(s.received)], [`seq:${s.name}.lost`, String(s.lost)], [`seq:${s.name}.replayed`, String(s.replayed)]);
    if (s.delivered !== null) out.push([`seq:${s.name}.deliveredRate`, String(s.delivered)]);
  }
  if (v.recovery) {
    out.push(['recovery.resumed', String(v.recovery.resumed)], ['recovery.fresh', String(v.recovery.fresh)], ['recovery.never', String(v.recovery.never)]);
    if (v.recovery.resumedRate !== null) out.push(['recovery.resumedRate', String(v.recovery.resumedRate)]);
  }
  return out;
}
