import type { RunResult } from '../../result/types.ts';
import { deliveryView } from '../delivery.ts';
import { esc, htmlTable, ms, num, pct } from './format.ts';

/**
 * "Delivery and recovery": per `sequences` entry, what arrived, what was lost or replayed and its
 * latency; how reconnections ended (resumed, fresh, never); and per fault, who it hit, how they
 * came back and how long it took. Empty when the run has none of these.
 */
export function deliverySection(r: RunResult): string {
  const v = deliveryView(r);
  const faults = r.faults?.faults ?? [];
  if (!v.sequences.length && !v.recovery) return '';
  const parts = ['<h3>Delivery and recovery</h3>'];
  if (v.sequences.length) {
    parts.push(
      htmlTable(
        ['sequence', 'received', 'lost', 'delivered', 'duplicates', 'out of order', 'replayed', 'latency p50', 'p99', 'replay latency p50', 'p99'],
        v.sequences.map((s) => [
          esc(s.name),
          num(s.received, 0),
          num(s.lost, 0),
          pct(s.delivered, 3),
          num(s.duplicates, 0),
          num(s.outOfOrder, 0),
          num(s.replayed, 0),
          ms(s.latency?.p50),
          ms(s.latency?.p99),
          ms(s.replay?.p50),
          ms(s.replay?.p99),
        ]),
        'num',
      ),
    );
  }
  if (v.recovery) {
    const x = v.recovery;
    parts.push(
      `<p>${num(x.disconnects, 0)} unexpected disconnects · <b>${num(x.resumed, 0)} resumed</b> (${pct(x.resumedRate)} of reconnections) · ${num(x.fresh, 0)} fresh · <b>${num(x.never, 0)} never came back</b> · recovery p50 ${ms(x.recovery?.p50)}, p99 ${ms(x.recovery?.p99)}, max ${ms(x.recovery?.max)}${x.online ? ` (back online to connected p50 ${ms(x.online.p50)}, p99 ${ms(x.online.p99)}: without the drops' offline time)` : ''}</p>`,
    );
  }
  if (faults.length) {
    parts.push(
      htmlTable(
        [
          'fault',
          'at',
          'clients hit',
          'disconnected',
          'recovered',
          'resumed',
          'fresh',
          'not back by the window’s end',
          'recovery p50',
          'p90',
          'p99',
          'max',
          'lost (sequences)',
          'replayed',
        ],
        faults.map((f) => {
          const i = f.impact;
          return [
            esc(f.round === undefined ? f.label : `round ${f.round} ${f.label}`),
            f.atMs === null ? '–' : `${num(f.atMs / 1000, 1)} s`,
            f.action === 'network' ? num(i.hit ?? 0, 0) : '–',
            num(i.disconnected, 0),
            num(i.recovered, 0),
            num(i.resumed ?? 0, 0),
            num(i.fresh ?? 0, 0),
            num(i.neverReturned ?? 0, 0),
            ms(i.recovery?.p50),
            ms(i.recovery?.p90),
            ms(i.recovery?.p99),
            ms(i.recovery?.max),
            num(i.seqLost ?? 0, 0),
            num(i.seqReplayed ?? 0, 0),
          ];
        }),
        'num',
      ),
    );
  }
  return parts.join('\n');
}
