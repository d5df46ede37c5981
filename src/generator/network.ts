import { seededRandom } from '../util/random.ts';
import type { NetworkFaultMessage } from './protocol.ts';

/**
 * The clients one generator hits with a network fault: of `connected` (its clients connected now),
 * its share of `clients` — a share of its own, or its part of a count split over the generators
 * (generator g takes ⌊count / G⌋, one more when g < count mod G) — chosen by a partial shuffle
 * with a random seeded by the fault and the generator, over the clients sorted by id: the same
 * run picks the same clients.
 */
export function pickClients<T extends { id: number }>(
  connected: T[],
  sel: NetworkFaultMessage['fault']['clients'],
  f: { index: number },
  generator: number,
  generators: number,
): T[] {
  const all = [...connected].sort((a, b) => a.id - b.id);
  const want = 'share' in sel ? Math.round(sel.share * all.length) : Math.floor(sel.count / generators) + (generator < sel.count % generators ? 1 : 0);
  const n = Math.min(all.length, want);
  if (n === all.length) return all;
  const random = seededRandom(1 + f.index * 7919 + generator * 104_729);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (all.length - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n);
}
