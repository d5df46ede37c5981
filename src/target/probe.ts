import http from 'node:http';
import https from 'node:https';
import { errorCode, TLS_CODES } from '../clients/classify.ts';
import { InputError, RunError } from '../shared/errors.ts';
import type { Target } from './target.ts';

/** What one probe request got: an HTTP answer (101 for an accepted upgrade), or why there was none. */
type Answer = { status: number; body: string } | { failed: 'silent' | 'garbage' | 'closed' | 'other'; error: Error };

/**
 * Before any load: one Engine.IO v4 handshake (`GET <path>/?EIO=4&transport=polling`) against
 * an external target, so the classic mistakes fail in seconds with a named cause instead of
 * thousands of identical client errors: TLS the client does not trust, a Socket.IO v2 server
 * (Engine.IO v3 framing), nothing at the path, a server in trouble (HTTP 5xx), something that
 * is not an HTTP server (garbage, or a connection closed without an answer), or one that accepts
 * the connection and never answers. A server that refuses polling is fine (it may be
 * websocket-only); only what is certainly wrong is reported.
 */
export async function probeSocketIo(t: Target, path: string, timeoutMs = 4000): Promise<void> {
  const at = path.endsWith('/') ? path : `${path}/`;
  const res = await request(`${t.url}${at}?EIO=4&transport=polling`, timeoutMs);
  if ('failed' in res) return refuse(t, `${at} (the Engine.IO handshake)`, res, timeoutMs);
  if (/^\d+:0\{/.test(res.body) || /^\u0000[\d\u0001-\u0009]+\u00ff0\{/.test(res.body)) {
    throw new InputError(
      'E_PROTOCOL_MISMATCH',
      `${t.url} speaks Engine.IO v3 (a Socket.IO v2 server): rtbench's socket.io engines speak Socket.IO v5 / Engine.IO v4`,
      {
        hint: "upgrade the server to socket.io v3 or later (v4 recommended), or use `engine: 'ws'` for a raw WebSocket endpoint",
      },
    );
  }
  if (res.status === 404) {
    throw new InputError('E_PROTOCOL_MISMATCH', `${t.url} answers 404 at ${at}: no Socket.IO server at that path`, {
      hint: "set the scenario's `path` to the server's socket.io path (default /socket.io)",
    });
  }
  if (res.status >= 500) serverError(t, `${at} (the Engine.IO handshake)`, res);
}

/**
 * The same check for the WebSocket engines (`ws`, `socketcluster`): one upgrade request at the
 * path the clients use (with the target's query; the server sees one connection, closed at once). An accepted upgrade, or a refusal the run's
 * error table will show (401, 403, 404…), is fine; HTTP 5xx, garbage, a close without an answer
 * and silence are refused. When the upgrade is not accepted and the host answers Socket.IO's
 * handshake at /socket.io/, the `ws` engine is the wrong one: said so.
 */
export async function probeWebSocket(t: Target, path: string, engine: string, timeoutMs = 4000): Promise<void> {
  const res = await request(`${t.url}${path}${t.search}`, timeoutMs, {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'cnRiZW5jaC1wcm9iZS0xMg==',
  });
  if ('failed' in res && res.failed !== 'closed') return refuse(t, `${path} (a WebSocket upgrade)`, res, timeoutMs);
  if (engine === 'ws' && ('failed' in res || res.status === 400 || res.status === 404)) {
    const sio = await request(`${t.url}/socket.io/?EIO=4&transport=polling`, timeoutMs);
    if (!('failed' in sio) && sio.status === 200 && /^0\{"sid"/.test(sio.body)) {
      throw new InputError(
        'E_PROTOCOL_MISMATCH',
        `${t.url} is a Socket.IO server (it answers the Engine.IO handshake at /socket.io/): the \`ws\` engine speaks plain WebSocket, and the upgrade at ${path} was ${'failed' in res ? 'closed without an answer' : `answered HTTP ${res.status}`}`,
        {
          hint: "set `engine: 'socket.io'` (or 'socket.io-lean') in the scenario",
        },
      );
    }
  }
  if ('failed' in res) return refuse(t, `${path} (a WebSocket upgrade)`, res, timeoutMs);
  if (res.status >= 500) serverError(t, `${path} (a WebSocket upgrade)`, res);
}

function serverError(t: Target, what: string, res: { status: number; body: string }): never {
  const body = res.body.replace(/\s+/g, ' ').trim().slice(0, 120);
  throw new RunError('E_TARGET_UNHEALTHY', `${t.url} answers HTTP ${res.status} at ${what}${body ? `: ${body}` : ''}`, {
    hint: "fix the server first (its log says why it fails), or check that --target and the scenario's `path` name the right service",
  });
}

/** A probe without an HTTP answer: TLS failure, not HTTP, closed, or silent. Other socket errors are left to the run. */
function refuse(t: Target, what: string, res: Extract<Answer, { failed: string }>, timeoutMs: number): void {
  const code = errorCode(res.error);
  if (code && TLS_CODES.test(code)) {
    throw new RunError('E_TLS', `TLS handshake with ${t.url} failed: ${res.error.message} (${code})`, {
      hint: 'give Node the CA that signed the server certificate (NODE_EXTRA_CA_CERTS=ca.pem), or target the plain http:// port',
    });
  }
  const check = "check that --target names the server's host and port";
  if (res.failed === 'silent') {
    throw new RunError('E_TARGET_UNHEALTHY', `${t.url} accepted the connection but sent no answer to ${what} within ${timeoutMs}ms`, {
      hint: `the server is stuck or is not an HTTP server; ${check}`,
    });
  }
  if (res.failed === 'garbage') {
    throw new InputError('E_PROTOCOL_MISMATCH', `${t.url} is not an HTTP server: its answer to ${what} is not HTTP (${res.error.message})`, { hint: check });
  }
  if (res.failed === 'closed') {
    throw new RunError('E_TARGET_UNHEALTHY', `${t.url} closed the connection without answering ${what}`, { hint: `the server dropped the request; ${check}` });
  }
  // anything else (a reset while connecting…) shows up in the run's error table
}

/** One GET (with upgrade headers: an upgrade request), at most `timeoutMs`; never rejects. */
function request(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const lib = url.startsWith('https:') ? https : http;
    let settled = false;
    const done = (a: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => done({ failed: 'silent', error: new Error(`no answer within ${timeoutMs}ms`) }), timeoutMs);
    const req = lib.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      done({ status: 101, body: '' });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      done({ failed: code.startsWith('HPE_') ? 'garbage' : code === 'ECONNRESET' ? 'closed' : 'other', error: e });
    });
  });
}
