import type { FaultSection } from '../faults/types.ts';
import { table } from './table.ts';

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The fault timeline as rows: what was done, when it was replaced, and what it cost the clients. */
export function faultRows(f: FaultSection): string[][] {
  const rows = [['fault', 'at', 'pid', 'replaced', 'disconn', 'recovered', 'recovery p50/p99', 'detect p50', 'lost', 'dup', 'ooo', 'ack t/o', 'sid 400', 'moved', 'ack p99']];
  for (const x of f.faults) {
    const i = x.impact;
    rows.push([
      x.label,
      x.atMs === null ? '-' : `${(x.atMs / 1000).toFixed(1)}s`,
      x.pid === null ? '-' : String(x.pid),
      x.error ? 'FAILED' : x.replacedMs !== null ? `${ms(x.replacedMs)}ms` : x.action === 'pause' ? 'paused' : '-',
      String(i.disconnected),
      `${i.recovered}${i.recoveryFailed ? ` (+${i.recoveryFailed} gave up)` : ''}`,
      i.recovery ? `${ms(i.recovery.p50)}/${ms(i.recovery.p99)}ms` : '-',
      i.detect ? `${ms(i.detect.p50)}ms` : '-',
      String(i.lost),
      String(i.duplicated),
      String(i.outOfOrder),
      String(i.ackTimeouts),
      String(i.sessionUnknown),
      i.moved + i.stayed ? `${i.moved}/${i.moved + i.stayed}` : '-',
      i.ackP99 === null ? '-' : `${ms(i.ackP99)}ms`,
    ]);
  }
  return rows;
}

/** Console block: the table, the baseline it compares with, and every fault that could not be injected. */
export function faultsBlock(f: FaultSection): string {
  const lines = [`  faults (each window runs to the next fault; ack p99 before the first: ${f.baselineAckP99 === null ? '-' : `${ms(f.baselineAckP99)}ms`}):`, table(faultRows(f), '    ')];
  for (const x of f.faults) {
    if (x.error) lines.push(`    ! ${x.label}: ${x.error}`);
    else if (x.note) lines.push(`    · ${x.label}: ${x.note}`);
  }
  return lines.join('\n');
}
