import http from 'node:http';
import https from 'node:https';
import { errorCode, TLS_CODES } from '../clients/classify.ts';
import { InputError, RunError } from '../shared/errors.ts';
import type { Target } from './target.ts';

/**
 * Before any load: one Engine.IO v4 handshake (`GET <path>/?EIO=4&transport=polling`) against
 * an external target, so the classic mistakes fail in seconds with a named cause instead of
 * thousands of identical client errors: TLS the client does not trust, a Socket.IO v2 server
 * (Engine.IO v3 framing), nothing at the path. A server that refuses polling is fine (it may be
 * websocket-only); only what is certainly wrong is reported.
 */
export async function probeSocketIo(t: Target, path: string, timeoutMs = 4000): Promise<void> {
  const url = `${t.url}${path.endsWith('/') ? path : `${path}/`}?EIO=4&transport=polling`;
  let res: { status: number; body: string };
  try {
    res = await get(url, timeoutMs);
  } catch (e) {
    const code = errorCode(e);
    if (code && TLS_CODES.test(code)) {
      throw new RunError('E_TLS', `TLS handshake with ${t.url} failed: ${(e as Error).message} (${code})`, {
        hint: 'give Node the CA that signed the server certificate (NODE_EXTRA_CA_CERTS=ca.pem), or target the plain http:// port',
      });
    }
    return; // reachability was checked already; anything else shows up in the run's error table
  }
  if (/^\d+:0\{/.test(res.body) || /^\u0000[\d\u0001-\u0009]+\u00ff0\{/.test(res.body)) {
    throw new InputError('E_PROTOCOL_MISMATCH', `${t.url} speaks Engine.IO v3 (a Socket.IO v2 server): rtbench's socket.io engines speak Socket.IO v5 / Engine.IO v4`, {
      hint: 'upgrade the server to socket.io v3 or later (v4 recommended), or use `engine: \'ws\'` for a raw WebSocket endpoint',
    });
  }
  if (res.status === 404) {
    throw new InputError('E_PROTOCOL_MISMATCH', `${t.url} answers 404 at ${path}/: no Socket.IO server at that path`, {
      hint: "set the scenario's `path` to the server's socket.io path (default /socket.io)",
    });
  }
}

function get(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    req.on('error', reject);
  });
}
