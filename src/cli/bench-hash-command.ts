import { benchHash, formatBenchHash } from '../bench/hash.ts';
import { ExitCode, InputError } from '../shared/errors.ts';
import type { Output } from '../run/reporter.ts';

/** `rtbench bench-hash --workers 4 --ips 1000000 [--ipv6] [--json]`. */
export function benchHashCommand(a: { workers: number; ips: number; ipv6: boolean; json: boolean }, out: Output): number {
  const problems: string[] = [];
  if (!Number.isInteger(a.workers) || a.workers < 1 || a.workers > 1024) problems.push(`\`--workers\` must be 1..1024 (got ${a.workers})`);
  if (!Number.isInteger(a.ips) || a.ips < 1 || a.ips > 10_000_000) problems.push(`\`--ips\` must be 1..10000000 (got ${a.ips})`);
  if (problems.length)
    throw new InputError('E_USAGE', 'invalid bench-hash options', { details: problems, hint: 'e.g. `rtbench bench-hash --workers 4 --ips 1000000 --ipv6`' });
  const result = benchHash(a);
  out.write(`${a.json ? JSON.stringify(result, null, 2) : formatBenchHash(result)}\n`);
  return ExitCode.ok;
}
