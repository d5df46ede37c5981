import { isIP } from 'node:net';
import { InputError } from '../shared/errors.ts';
import { isLoopbackAddress } from '../shared/net.ts';

/**
 * The loopback source addresses clients connect from. A count n gives 127.0.0.2 … (n addresses,
 * skipping .0 and .255 of each /24); an IPv6 target can only use ::1. A list is checked to be
 * loopback. Spreading clients over addresses lets IP-hashing servers see many clients and gives
 * each address its own ~28k ephemeral ports.
 */
export function resolveSourceIps(spec: number | string[], targetHost: string): string[] {
  const host = targetHost.replace(/^\[|\]$/g, '');
  if (isIP(host) === 6) return ['::1'];
  if (Array.isArray(spec)) {
    const bad = spec.filter((a) => !isLoopbackAddress(a) || isIP(a) !== 4);
    if (bad.length) {
      throw new InputError('E_SCENARIO_INVALID', `\`sourceIps\` holds non-loopback or non-IPv4 addresses: ${bad.join(', ')}`, {
        hint: 'use addresses in 127.0.0.0/8 (e.g. 127.0.0.2), or a count such as `sourceIps: 16`',
      });
    }
    return spec;
  }
  const out: string[] = [];
  for (let i = 0; out.length < spec; i++) {
    const n = 2 + i; // 127.0.0.2 upwards
    const b2 = Math.floor(n / 65536) % 256;
    const b3 = Math.floor(n / 256) % 256;
    const b4 = n % 256;
    if (b4 === 0 || b4 === 255) continue;
    out.push(`127.${b2}.${b3}.${b4}`);
  }
  return out;
}
