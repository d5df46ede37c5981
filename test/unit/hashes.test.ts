import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchHash, formatBenchHash } from '../../src/bench/hash.ts';
import { chiSquareUniform, imbalance } from '../../src/metrics/distribution.ts';
import { HASHES, pickWorker } from '../../reference-server/sticky/hashes.ts';
import { seededRandom } from '../../src/util/random.ts';

test('seed functions reproduce the write-up, flaws included', () => {
  // IPv4: all four work
  for (const h of ['simple_loop', 'simple_regex', 'numeric_real', 'int31'] as const) assert.ok(Number.isInteger(HASHES[h]('10.1.2.3', 4)), h);
  assert.equal(HASHES.simple_loop('10.1.2.3', 4), 10123 % 4);
  assert.equal(HASHES.simple_regex('10.1.2.3', 4), 10123 % 4);
  assert.equal(HASHES.numeric_real('10.1.2.3', 7), (10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 256 + 3) % 7);
  // IPv4-mapped and IPv6: NaN indices for regex and numeric_real
  for (const a of ['::ffff:10.1.2.3', '::1', '2001:db8::7']) {
    assert.ok(Number.isNaN(HASHES.simple_regex(a, 4)), `simple_regex ${a}`);
    assert.ok(Number.isNaN(HASHES.numeric_real(a, 4)), `numeric_real ${a}`);
    assert.ok('error' in pickWorker('numeric_real', a, 4));
  }
  // simple_loop drops ':' and letters, so mapped addresses still work, and IPv6 strings become huge numbers
  assert.equal(HASHES.simple_loop('::ffff:10.1.2.3', 4), HASHES.simple_loop('10.1.2.3', 4));
  // int31 never gives NaN (bitwise ops turn NaN into 0) but ignores a mapped address's first octet…
  assert.equal(HASHES.int31('::ffff:10.1.2.3', 4), HASHES.int31('::ffff:99.1.2.3', 4));
  // …and hashes a whole IPv6 address by its leading decimal digits
  assert.equal(HASHES.int31('2001:db8::7', 4), HASHES.int31('2001:ffff::1', 4));
});

test('default hash: normalised bytes, IPv4-mapped = IPv4, IPv6 forms agree, never throws, in range', () => {
  const d = (a: string): number => HASHES.default(a, 1_000_003);
  assert.equal(d('::ffff:10.1.2.3'), d('10.1.2.3'));
  assert.equal(d('::1'), d('0:0:0:0:0:0:0:1'));
  assert.equal(d('2001:db8::7'), d('2001:0DB8:0:0:0:0:0:7'));
  assert.equal(d('[::1]'), d('::1'));
  assert.notEqual(d('2001:db8::7'), d('2001:db8::8'));
  for (const junk of ['', 'not an ip', '1.2.3.4.5', '999.1.1.1', ':::', '1:::2', 'g::1', '1:2:3:4:5:6:7:8:9']) {
    const i = HASHES.default(junk, 4);
    assert.ok(Number.isInteger(i) && i >= 0 && i < 4, `${junk} → ${i}`);
    assert.ok('index' in pickWorker('default', junk, 4));
  }
});

test('default hash is uniform (chi-square) on random IPv4 and IPv6 sets with 4 and 7 workers', () => {
  const r = seededRandom(42);
  const v4 = Array.from({ length: 200_000 }, () => `${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`);
  const v6 = Array.from({ length: 200_000 }, () => Array.from({ length: 8 }, () => Math.floor(r() * 65536).toString(16)).join(':'));
  for (const set of [v4, v6]) {
    for (const workers of [4, 7]) {
      const counts = new Array<number>(workers).fill(0);
      for (const a of set) counts[HASHES.default(a, workers)]!++;
      assert.ok(chiSquareUniform(counts)!.pValue > 0.001, `${workers} workers: ${counts}`);
    }
  }
});

test('default hash on the 64 loopback addresses rtbench clients use: max/mean ≤ 1.5 over 4 workers', () => {
  const counts = [0, 0, 0, 0];
  for (let i = 2; i < 66; i++) counts[HASHES.default(`127.0.0.${i}`, 4)]!++;
  assert.ok(imbalance(counts).maxOverMean! <= 1.5, String(counts));
});

test("benchHash covers every hash and set; the seed functions' IPv6 failure shows", () => {
  const r = benchHash({ workers: 4, ips: 20_000, ipv6: true });
  assert.deepEqual(
    r.sets.map((s) => s.name),
    ['ipv4', 'ipv4-mapped', 'ipv6'],
  );
  for (const s of r.sets)
    assert.deepEqual(
      s.rows.map((x) => x.hash),
      ['default', 'simple_loop', 'simple_regex', 'numeric_real', 'int31'],
    );
  const v6 = r.sets[2]!.rows;
  assert.ok(v6.find((x) => x.hash === 'default')!.uniform);
  for (const h of ['simple_loop', 'simple_regex', 'numeric_real', 'int31']) assert.equal(v6.find((x) => x.hash === h)!.uniform, false, h);
  assert.equal(v6.find((x) => x.hash === 'numeric_real')!.invalid, 20_000);
  assert.ok(r.sets[0]!.rows.every((x) => x.ms > 0));
  assert.match(formatBenchHash(r), /ipv6[\s\S]*simple_regex .* NOT uniform/);
});
