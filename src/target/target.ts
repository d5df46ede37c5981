import net from 'node:net';
import { InputError, RunError } from '../shared/errors.ts';
import { isLoopbackAddress } from '../generator/source-ips.ts';
import { resolveHost } from '../util/resolve.ts';

/** A checked `--target`: http(s) URL on a loopback address. */
export interface Target {
  url: string;
  host: string;
  port: number;
}

/**
 * Parse and check `--target`. rtbench sends load only to loopback (127.0.0.0/8, ::1, localhost):
 * anything else is refused with a clear error. The one exception is `allowRemote`, which only a
 * shard inside Kubernetes with `--allow-remote-target` gets (see src/shard/options.ts).
 */
export async function parseTarget(raw: string, opts: { allowRemote?: boolean } = {}): Promise<Target> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InputError('E_TARGET_INVALID', `\`--target\` is not a URL: ${raw}`, { hint: 'pass e.g. --target http://127.0.0.1:3000' });
  }
  const proto = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[u.protocol];
  if (!proto) {
    throw new InputError('E_TARGET_INVALID', `\`--target\` ${raw} has protocol ${u.protocol}`, { hint: 'use http://, https://, ws:// or wss://' });
  }
  const { host, address } = await resolveHost(u);
  if (address === null) throw new InputError('E_TARGET_INVALID', `\`--target\` host ${host} does not resolve`, { hint: 'use 127.0.0.1, ::1 or localhost' });
  if (opts.allowRemote && !isLoopbackAddress(address)) {
    // in-cluster service: keep the name (Host header, TLS server name); the port as given
    return { url: u.origin.replace(/^ws/, 'http'), host: address, port: u.port ? Number(u.port) : proto === 'https:' ? 443 : 80 };
  }
  if (!isLoopbackAddress(address)) {
    throw new InputError('E_TARGET_NOT_LOOPBACK', `\`--target\` ${raw} is not a loopback address (${address})`, {
      hint: 'rtbench only sends load to this machine: 127.0.0.0/8, ::1 or localhost',
    });
  }
  const port = u.port ? Number(u.port) : proto === 'https:' ? 443 : 80;
  u.protocol = proto;
  u.hostname = net.isIP(address) === 6 ? `[${address}]` : address;
  return { url: u.origin, host: address, port };
}

/** Fail fast (≤ `timeoutMs`) when nothing accepts TCP connections at the target. */
export function checkReachable(t: Target, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: t.host, port: t.port });
    const fail = (why: string): void => {
      sock.destroy();
      reject(
        new RunError('E_TARGET_UNREACHABLE', `target ${t.url} is unreachable: ${why}`, {
          hint: `start the server first (e.g. \`npx rtbench serve --topology single --port ${t.port}\`) or check the URL; omit --target to use the bundled reference server`,
        }),
      );
    };
    sock.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs}ms`));
    sock.once('connect', () => {
      sock.end();
      resolve();
    });
    sock.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ECONNREFUSED' ? 'connection refused' : e.message));
  });
}
