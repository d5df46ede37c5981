import { availableParallelism } from 'node:os';
import { didYouMean } from '../../src/shared/suggest.ts';
import type { TopologySpec } from './types.ts';

/** One optional part of a `name:N[:a][:b]` spec: what it is, the values it takes, its default. */
export interface SpecSlot {
  what: string;
  allowed: readonly string[];
  dflt: string;
}

/**
 * The two optional parts of `name:N[:a][:b]`, where `a` and `b` take different words, so either
 * may be left out: `cluster:2:redis` is `cluster:2:rr:redis` (the adapter without the policy).
 */
export function twoOptional(spec: TopologySpec, a: SpecSlot, b: SpecSlot): { a: string; b: string } {
  const rest = spec.params.slice(1);
  if (rest.length === 1 && b.allowed.includes(rest[0]!)) return { a: a.dflt, b: rest[0]! };
  return { a: rest[0] ?? a.dflt, b: rest[1] ?? b.dflt };
}

/**
 * The problems of those two parts, each ending with the fix: the spec as it should be written when
 * it can be told (a near word, or the two parts in the wrong order), else the syntax and `example`.
 */
export function twoOptionalProblems(spec: TopologySpec, a: SpecSlot, b: SpecSlot, example: string): string[] {
  const [n = '', ...rest] = spec.params;
  const syntax = `${spec.name}:N[:${a.what}][:${b.what}]`;
  const write = (parts: string[]): string => [spec.name, n, ...parts].join(':');
  const otherwise = `write ${syntax} (${a.what}: ${a.allowed.join(', ')}; ${b.what}: ${b.allowed.join(', ')}), e.g. \`${example}\``;
  if (rest.some((r) => r === '')) return [`\`${spec.raw}\` has an empty part: did you mean \`${write(rest.filter(Boolean))}\`?`];
  if (rest.length > 2) return [`\`${spec.raw}\` has ${rest.length} parts after the count, at most 2: ${otherwise}`];
  if (rest.length === 1) {
    const [v] = rest as [string];
    if (a.allowed.includes(v) || b.allowed.includes(v)) return [];
    const near = didYouMean(v, [...a.allowed, ...b.allowed]);
    return [
      `\`${v}\` is not a ${a.what} (${a.allowed.join(', ')}) or ${b.what} (${b.allowed.join(', ')}): ${near ? `did you mean \`${write([near])}\`?` : otherwise}`,
    ];
  }
  if (rest.length === 0) return [];
  const [x, y] = rest as [string, string];
  const okX = a.allowed.includes(x);
  const okY = b.allowed.includes(y);
  if (okX && okY) return [];
  if (b.allowed.includes(x) && a.allowed.includes(y)) return [`the ${a.what} comes before the ${b.what}: did you mean \`${write([y, x])}\`?`];
  const fixX = okX ? x : didYouMean(x, a.allowed);
  const fixY = okY ? y : didYouMean(y, b.allowed);
  const fix = fixX && fixY ? `did you mean \`${write([fixX, fixY])}\`?` : otherwise;
  const wrong = [
    ...(okX ? [] : [`${a.what} must be ${a.allowed.join(', ')} (got ${x})`]),
    ...(okY ? [] : [`${b.what} must be ${b.allowed.join(', ')} (got ${y})`]),
  ];
  return [`${wrong.join('; ')}: ${fix}`];
}

/** The worker count part (`N`, 1..64; left out: the core count), with the fix. */
export function workerCountProblems(spec: TopologySpec, workers: number, example: string): string[] {
  if (Number.isInteger(workers) && workers >= 1 && workers <= 64) return [];
  return [`worker count must be a whole number from 1 to 64 (got ${spec.params[0]}): e.g. \`${example}\``];
}

/** A `name:N[:word]` spec: the count (left out: the core count) and the word (left out: `dflt`). */
export function countAndWord(spec: TopologySpec, dflt: string): { n: number; word: string } {
  const [n, word = dflt] = spec.params;
  return { n: n ? Number(n) : availableParallelism(), word };
}

/**
 * The problems of a `name:N[:word]` spec (`lb:2:cookie`, `lb-sticky:2:proxy`): the count (1..64),
 * the one optional word, nothing after it; each with the fix (a near word when there is one, else
 * `example`).
 */
export function countAndWordProblems(
  spec: TopologySpec,
  count: { what: string; n: number },
  word: { what: string; value: string; allowed: readonly string[] },
  example: string,
): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(count.n) || count.n < 1 || count.n > 64)
    problems.push(`${count.what} count must be 1..64 (got ${spec.params[0]}): e.g. \`${spec.name}:2\``);
  if (!word.allowed.includes(word.value)) {
    const near = didYouMean(word.value, word.allowed);
    problems.push(
      `${word.what} must be one of ${word.allowed.join(', ')} (got ${word.value}): ${near ? `did you mean \`${spec.name}:${spec.params[0]}:${near}\`?` : `e.g. \`${example}\``}`,
    );
  }
  if (spec.params.length > 2) problems.push(`expected ${spec.name}:N[:${word.allowed.join('|')}], e.g. \`${example}\``);
  return problems;
}
