import type { FaultSection } from '../result/faults.ts';
import { table } from '../util/table.ts';

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The fault timeline as rows: what was done, when it was replaced, and what it cost the clients. */
export function faultRows(f: FaultSection): string[][] {
  const perRound = f.faults.some((x) => x.round !== undefined);
  // network faults, or reconnections that resumed or came back fresh: who was hit, how they came back, what the user's sequences lost
  const weather = f.faults.some((x) => x.action === 'network' || (x.impact.resumed ?? 0) + (x.impact.fresh ?? 0) + (x.impact.seqLost ?? 0) > 0);
  const rows = [
    [
      ...(perRound ? ['round'] : []),
      'fault',
      'at',
      ...(weather ? ['hit'] : []),
      'pid',
      'replaced',
      'disconn',
      'recovered',
      ...(weather ? ['resumed/fresh', 'not back'] : []),
      'recovery p50/p99',
      'detect p50',
      'lost',
      ...(weather ? ['seq lost'] : []),
      'dup',
      'ooo',
      'ack t/o',
      'sid 400',
      'moved',
      'ack p99',
    ],
  ];
  for (const x of f.faults) {
    const i = x.impact;
    const w = (cells: string[]): string[] => (weather ? cells : []);
    rows.push([
      ...(perRound ? [String(x.round ?? '-')] : []),
      x.label,
      x.atMs === null ? '-' : `${(x.atMs / 1000).toFixed(1)}s`,
      ...w([x.action === 'network' ? String(i.hit ?? 0) : '-']),
      x.pid === null ? '-' : String(x.pid),
      x.error
        ? 'FAILED'
        : x.replacedMs !== null
          ? `${ms(x.replacedMs)}ms`
          : x.action === 'pause'
            ? 'paused'
            : x.action === 'network' && x.forMs
              ? `${x.network?.kind ?? ''} ${ms(x.forMs)}ms`
              : '-',
      String(i.disconnected),
      `${i.recovered}${i.recoveryFailed ? ` (+${i.recoveryFailed} gave up)` : ''}`,
      ...w([`${i.resumed ?? 0}/${i.fresh ?? 0}`, String(i.neverReturned ?? 0)]),
      i.recovery ? `${ms(i.recovery.p50)}/${ms(i.recovery.p99)}ms` : '-',
      i.detect ? `${ms(i.detect.p50)}ms` : '-',
      String(i.lost),
      ...w([String(i.seqLost ?? 0)]),
      String(i.duplicated),
      String(i.outOfOrder),
      `${i.ackTimeouts}${i.acksCut ? ` (+${i.acksCut} cut)` : ''}`,
      String(i.sessionUnknown),
      i.moved + i.stayed ? `${i.moved}/${i.moved + i.stayed}` : '-',
      i.ackP99 === null ? '-' : `${ms(i.ackP99)}ms`,
    ]);
  }
  return rows;
}

/** The ack p99 before the first fault, per round with `--repeat` ("round 1 0.8ms, round 2 0.9ms"). */
export function faultBaseline(f: FaultSection): string {
  const one = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${ms(v)}ms`);
  return f.roundBaselines ? f.roundBaselines.map((v, i) => `round ${i + 1} ${one(v)}`).join(', ') : one(f.baselineAckP99);
}

/** Console block: the table (with a round column under `--repeat`), the baseline it compares with, and every fault that could not be injected. */
export function faultsBlock(f: FaultSection): string {
  const lines = [`  faults (each window runs to the next fault; ack p99 before the first: ${faultBaseline(f)}):`, table(faultRows(f), '    ')];
  for (const x of f.faults) {
    const label = x.round === undefined ? x.label : `round ${x.round} ${x.label}`;
    if (x.error) lines.push(`    ! ${label}: ${x.error}`);
    else if (x.note) lines.push(`    · ${label}: ${x.note}`);
  }
  return lines.join('\n');
}
