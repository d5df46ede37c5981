/** One kind of a weighted session mix, as resolved (the session function stays in the module). */
export interface MixEntry {
  name: string;
  weight: number;
}

/**
 * One period of a weighted mix: slot s (0 ≤ s < sum of weights) → index of the kind it runs.
 * Smooth weighted round-robin, so the kinds interleave (9:1 gives one sender every ten clients,
 * not ten senders in a row) and every period holds each kind exactly `weight` times.
 */
export function mixTable(weights: readonly number[]): Uint16Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const table = new Uint16Array(total);
  const current = weights.map(() => 0);
  for (let s = 0; s < total; s++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    table[s] = best;
  }
  return table;
}

/** The kind a client runs: a pure function of its global id, the same in every generator and run. */
export function kindOfClient(table: Uint16Array, id: number): number {
  return table[id % table.length]!;
}
