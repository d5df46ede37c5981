import { lookup } from 'node:dns/promises';
import net from 'node:net';

/** The address a URL's hostname stands for (`[::1]` unwrapped, names looked up); null when it does not resolve. */
export async function resolveHost(u: URL): Promise<{ host: string; address: string | null }> {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return { host, address: host };
  try {
    return { host, address: (await lookup(host)).address };
  } catch {
    return { host, address: null };
  }
}
