/**
 * Worker-selection hashes of the sticky master.
 *
 * The four seed functions reproduce the node-cluster-socket.io write-up and its benchmark
 * (behaviour, not text), flaws included. They take `connection.remoteAddress` exactly as Node
 * gives it (`'10.1.2.3'`, `'::ffff:10.1.2.3'` on a dual-stack listener, `'::1'`, `'2001:db8::7'`):
 * - `simple_loop`: keeps every character that is not NaN as a number (digits), concatenates them
 *   and takes `Number(s) % workers`. IPv4-mapped addresses still work (letters and colons are
 *   dropped), but IPv6 digit strings exceed 2^53: the number loses its low bits and, for a
 *   power-of-two worker count, every IPv6 client lands on worker 0. (The write-up's own master
 *   snippet has a typo, `isNaN(ip[1])`, and would not even parse; the benchmark's loop is used.)
 * - `simple_regex`: removes the dots and takes `Number(...)`: NaN for anything with a colon, so
 *   IPv6 and IPv4-mapped addresses give a NaN index.
 * - `numeric_real`: the address as a 32-bit number (a·2^24 + b·2^16 + c·2^8 + d): NaN for IPv6
 *   and IPv4-mapped addresses.
 * - `int31`: sticky-session's Int31 mix over the dot-separated parts (`parseInt` of each) with a
 *   seed (fixed here, random per master there). A NaN part (`parseInt('::ffff:10')`,
 *   `parseInt('fe80::1')`) turns into 0 at the next bitwise step, so it never returns NaN, but:
 *   an IPv4-mapped address ignores its first octet, and an IPv6 address is one "part" whose
 *   value is only its leading decimal digits (`'2001:db8::7'` → 2001, `'fe80::1'` → NaN → 0):
 *   whole IPv6 networks collapse onto one worker.
 *
 * `default` is rtbench's correct hash: the address is normalised to bytes (`::ffff:a.b.c.d` is
 * the same client as `a.b.c.d`; IPv6 with `::` is expanded to 16 bytes), hashed with FNV-1a and
 * mixed with murmur3's fmix32. A malformed address never throws: its characters are hashed.
 */

export type HashName = 'default' | 'simple_loop' | 'simple_regex' | 'numeric_real' | 'int31';
export const HASH_NAMES: readonly HashName[] = ['default', 'simple_loop', 'simple_regex', 'numeric_real', 'int31'];

/** address, workers → index (the seed functions may return NaN or a value out of range). */
export type HashFn = (address: string, workers: number) => number;

const INT31_SEED = 0x2a2a2a;

function simpleLoop(ip: string, len: number): number {
  let s = '';
  // biome-ignore lint/suspicious/noGlobalIsNan: the benchmarked snippet's coercing isNaN on a character is the algorithm (Number.isNaN would keep nothing)
  for (let i = 0; i < ip.length; i++) if (!isNaN(ip[i] as unknown as number)) s += ip[i];
  return Number(s) % len;
}

function simpleRegex(ip: string, len: number): number {
  return Number(ip.replace(/\./g, '')) % len;
}

function numericReal(ip: string, len: number): number {
  const d = ip.split('.') as Array<string | undefined>;
  return (((+d[0]! * 256 + +d[1]!) * 256 + +d[2]!) * 256 + +d[3]!) % len;
}

function int31(ip: string, len: number): number {
  let hash = ip.split('.').reduce((r, part) => {
    r += parseInt(part, 10);
    r %= 2147483648;
    r += r << 10;
    r %= 2147483648;
    r ^= r >> 6;
    return r;
  }, INT31_SEED);
  hash += hash << 3;
  hash %= 2147483648;
  hash ^= hash >> 11;
  hash += hash << 15;
  hash %= 2147483648;
  return (hash >>> 0) % len;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const fnv = (h: number, byte: number): number => Math.imul(h ^ byte, FNV_PRIME);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of an IPv4 dotted quad starting at `from`, or null if it is not one. */
function hashIpv4(s: string, from: number, h: number): number | null {
  let octet = -1;
  let parts = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet < 0 ? c - 48 : octet * 10 + (c - 48);
      if (octet > 255) return null;
    } else if (c === 46 && octet >= 0 && parts < 3) {
      h = fnv(h, octet);
      parts++;
      octet = -1;
    } else return null;
  }
  if (parts !== 3 || octet < 0) return null;
  return fnv(h, octet);
}

const hexval = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/** FNV-1a of the 16 bytes of an IPv6 address (with `::`), or null if it is not one. One pass, no regex. */
function hashIpv6(s: string, h: number): number | null {
  const words = [0, 0, 0, 0, 0, 0, 0, 0];
  const len = s.length;
  let i = 0;
  let n = 0;
  let gap = -1;
  if (len >= 2 && s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  }
  while (i < len) {
    let v = 0;
    let d = 0;
    for (let x = hexval(s.charCodeAt(i)); i < len && x >= 0; x = hexval(s.charCodeAt(++i))) {
      v = v * 16 + x;
      d++;
    }
    if (d === 0 || d > 4 || n >= 8) return null;
    words[n++] = v;
    if (i === len) break;
    if (s.charCodeAt(i) !== 58) return null;
    i++;
    if (i < len && s.charCodeAt(i) === 58) {
      if (gap >= 0) return null;
      gap = n;
      i++;
    } else if (i === len) return null;
  }
  if (gap < 0 ? n !== 8 : n > 7) return null;
  const zeros = gap < 0 ? 0 : 8 - n;
  for (let k = 0; k < 8; k++) {
    const w = gap < 0 || k < gap ? words[k]! : k < gap + zeros ? 0 : words[k - zeros]!;
    h = fnv(fnv(h, w >>> 8), w & 0xff);
  }
  return h;
}

/** rtbench's default: normalised address bytes → FNV-1a → fmix32 → index. Never throws. */
export function defaultHash(address: string, workers: number): number {
  let a = address;
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  let h: number | null = null;
  if (a.length > 7 && a.charCodeAt(0) === 58 && /^::ffff:/i.test(a)) h = hashIpv4(a, 7, FNV_OFFSET);
  if (h === null && a.indexOf(':') < 0) h = hashIpv4(a, 0, FNV_OFFSET);
  if (h === null && a.indexOf(':') >= 0) h = hashIpv6(a, FNV_OFFSET);
  if (h === null) {
    h = FNV_OFFSET; // malformed: hash its characters
    for (let i = 0; i < a.length; i++) h = fnv(h, a.charCodeAt(i) & 0xff);
  }
  return fmix32(h) % workers;
}

/** Every hash by name. */
export const HASHES: Readonly<Record<HashName, HashFn>> = {
  default: defaultHash,
  simple_loop: simpleLoop,
  simple_regex: simpleRegex,
  numeric_real: numericReal,
  int31,
};

/**
 * The worker index for a connection, or an error when the hash gives no usable index (NaN or
 * out of range). The seed's master would then call `workers[NaN].send(...)` and crash; rtbench's
 * sticky master counts such connections as `misrouted` and closes them.
 */
export function pickWorker(name: HashName, address: string, workers: number): { index: number } | { error: string } {
  const i = HASHES[name](address, workers);
  if (!Number.isInteger(i) || i < 0 || i >= workers) return { error: `${name}(${JSON.stringify(address)}) gave index ${i}` };
  return { index: i };
}
