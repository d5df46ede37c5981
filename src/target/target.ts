import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { InputError, RunError } from '../shared/errors.ts';
import { isLoopbackAddress } from '../shared/net.ts';
import { redactUrls, type ShownQuery } from '../util/redact.ts';

/** A checked `--target`: an http(s) URL (ws(s) is taken as http(s)), loopback or not. */
export interface Target {
  /** `http(s)://host:port`: loopback targets with the host replaced by its address; others keep their name (Host header, TLS server name). */
  url: string;
  /** The address the host resolved to. */
  host: string;
  port: number;
  /** True for 127.0.0.0/8 and ::1: only then are clients spread over loopback source addresses (`sourceIps`). */
  loopback: boolean;
  /** The path of the URL without a trailing `/` ('' when none): the Socket.IO namespace, or the `ws` engine's path. */
  pathname: string;
  /** The URL's query string with its `?` ('' when none): added to every handshake. */
  search: string;
  /** What the clients connect to: `url` + `pathname` + `search`. */
  connectUrl: string;
  /** `connectUrl` in the scheme the user wrote (`ws://…` stays `ws://…`), every query value redacted but those named by `--show-query`: what the console and the result show. */
  shownUrl: string;
}

/**
 * Parse and check `--target` (a pure function of the URL and the name lookup; it opens no
 * connection). Any host is accepted; the path is kept (it selects the Socket.IO namespace, as
 * `io(url)` does, or the `ws` engine's path) and so is the query.
 */
export async function parseTarget(
  raw: string,
  resolve: (host: string) => Promise<string> = async (h) => (await lookup(h)).address,
  show: ShownQuery = new Set(),
): Promise<Target> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InputError('E_TARGET_INVALID', `\`--target\` is not a URL: ${redactUrls(raw)}`, { hint: 'pass e.g. --target http://127.0.0.1:3000' });
  }
  const proto = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[u.protocol];
  if (!proto) {
    throw new InputError('E_TARGET_INVALID', `\`--target\` ${redactUrls(raw)} has protocol ${u.protocol}`, { hint: 'use http://, https://, ws:// or wss://' });
  }
  if (u.username || u.password) {
    throw new InputError('E_TARGET_INVALID', `\`--target\` ${raw.replace(/\/\/[^@/]*@/, '//***@')} carries credentials in the URL`, {
      hint: "send them in the handshake instead: the scenario's `connect: { auth, query, headers }`",
    });
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let address = host;
  if (!net.isIP(host)) {
    try {
      address = await resolve(host);
    } catch {
      throw new InputError('E_TARGET_INVALID', `\`--target\` host ${host} does not resolve`, { hint: 'check the host name, or use an IP address' });
    }
  }
  const port = u.port ? Number(u.port) : proto === 'https:' ? 443 : 80;
  const loopback = isLoopbackAddress(address);
  const pathname = u.pathname.replace(/\/+$/, '');
  const search = u.search;
  const given = u.protocol;
  u.protocol = proto;
  u.hash = '';
  // loopback: connect to the address (as before); remote: keep the name (Host header, TLS SNI)
  if (loopback) u.hostname = net.isIP(address) === 6 ? `[${address}]` : address;
  const url = u.origin;
  const connectUrl = `${url}${pathname}${search}`;
  // query values (`?jwt=…`, `?X-Amz-Signature=…`): never on the console or in a result unless named safe (the clients still send them)
  const shownUrl = redactUrls(given === proto ? connectUrl : connectUrl.replace(/^http/, 'ws'), show);
  return { url, host: address, port, loopback, pathname, search, connectUrl, shownUrl };
}

/**
 * The `ws` engine's WebSocket path against `--target`: the URL's own path; without one, the
 * scenario's `path` when it sets one, else `/` (what `new WebSocket(url)` opens). `/ws` is the
 * default of the bundled reference server only.
 */
export function externalWsPath(t: Pick<Target, 'pathname'>, scenarioPath: string | undefined): string {
  return t.pathname || scenarioPath || '/';
}

/** The one console line stating where the load goes. */
export function describeTarget(t: Target): string {
  const where = `${net.isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}`;
  return `rtbench: target ${t.shownUrl} resolves to ${where}${t.loopback ? '' : " (not loopback: clients connect from this host's own address, `sourceIps` is not used)"}`;
}

/** Fail fast (≤ `timeoutMs`) when nothing accepts TCP connections at the target. */
export function checkReachable(t: Target, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: t.host, port: t.port });
    const fail = (why: string): void => {
      sock.destroy();
      reject(
        new RunError('E_TARGET_UNREACHABLE', `target ${t.url} is unreachable: ${why}`, {
          hint: `is your server running and listening on ${net.isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}? start it first, or correct the URL; to try rtbench without a server of your own, omit --target (the bundled reference server starts by itself)`,
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
