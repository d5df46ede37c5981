import { HASH_NAMES, HASHES, type HashName } from '../../reference-server/index.ts';
import { chiSquareUniform } from '../metrics/distribution.ts';
import { table } from '../util/table.ts';
import { seededRandom } from '../util/random.ts';

/** One hash function's figures on one address set. */
export interface HashRow {
  hash: HashName;
  ms: number;
  /** worker index → addresses. */
  scatter: Record<string, number>;
  /** Addresses that got no usable index (NaN or out of range). */
  invalid: number;
  chiSquare: number;
  pValue: number;
  /** p ≥ 0.001 against an even spread, and no invalid index. */
  uniform: boolean;
}

export interface BenchHashResult {
  workers: number;
  ips: number;
  sets: Array<{ name: 'ipv4' | 'ipv4-mapped' | 'ipv6'; rows: HashRow[] }>;
}

function addresses(kind: 'ipv4' | 'ipv4-mapped' | 'ipv6', n: number, seed: number): string[] {
  const r = seededRandom(seed);
  const byte = (): number => Math.floor(r() * 256);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'ipv6') {
      const groups = Array.from({ length: 8 }, () => Math.floor(r() * 65536).toString(16));
      out[i] = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
    } else {
      const v4 = `${byte()}.${byte()}.${byte()}.${byte()}`;
      out[i] = kind === 'ipv4' ? v4 : `::ffff:${v4}`;
    }
  }
  return out;
}

function measure(hash: HashName, ips: string[], workers: number): HashRow {
  const fn = HASHES[hash];
  const run = (): { ms: number; counts: number[]; invalid: number } => {
    const counts = new Array<number>(workers).fill(0);
    let invalid = 0;
    const t0 = performance.now();
    for (let i = 0; i < ips.length; i++) {
      const k = fn(ips[i]!, workers);
      if (k >= 0 && k < workers && Number.isInteger(k)) counts[k]!++;
      else invalid++;
    }
    return { ms: performance.now() - t0, counts, invalid };
  };
  run(); // warm-up: the first pass pays for JIT compilation
  const { ms, counts, invalid } = run();
  const chi = chiSquareUniform(counts);
  const pValue = chi?.pValue ?? 0;
  return {
    hash,
    ms: Math.round(ms * 10) / 10,
    scatter: Object.fromEntries(counts.map((c, i) => [String(i), c])),
    invalid,
    chiSquare: chi?.statistic ?? 0,
    pValue,
    uniform: invalid === 0 && pValue >= 0.001,
  };
}

/**
 * Reproduce the node-cluster-socket.io hashing benchmark: time and scatter per worker of each
 * sticky hash over `ips` random addresses, plus a chi-square test against an even spread. Always
 * measures IPv4 and IPv4-mapped (`::ffff:a.b.c.d`, what a dual-stack listener reports) sets; IPv6 too
 * with `ipv6`. The same seeded addresses for every function.
 */
export function benchHash(o: { workers: number; ips: number; ipv6: boolean; seed?: number }): BenchHashResult {
  const kinds: Array<'ipv4' | 'ipv4-mapped' | 'ipv6'> = ['ipv4', 'ipv4-mapped', ...(o.ipv6 ? (['ipv6'] as const) : [])];
  return {
    workers: o.workers,
    ips: o.ips,
    sets: kinds.map((name, i) => {
      const ips = addresses(name, o.ips, (o.seed ?? 1) + i);
      return { name, rows: HASH_NAMES.map((h) => measure(h, ips, o.workers)) };
    }),
  };
}

/** The result as the write-up printed it: time and scatter per function, plus the verdict. */
export function formatBenchHash(r: BenchHashResult): string {
  const out = [`rtbench bench-hash: ${r.ips} addresses, ${r.workers} workers`];
  for (const set of r.sets) {
    out.push(`\n${set.name}`);
    const rows = [['hash', 'time (ms)', 'scatter', 'invalid', 'chi2', 'p', 'verdict']];
    for (const row of set.rows) {
      rows.push([
        row.hash,
        row.ms.toFixed(1),
        Object.values(row.scatter).join(' / '),
        String(row.invalid),
        row.chiSquare.toFixed(1),
        row.pValue.toExponential(1),
        row.uniform ? 'uniform' : 'NOT uniform',
      ]);
    }
    out.push(table(rows));
  }
  return out.join('\n');
}
