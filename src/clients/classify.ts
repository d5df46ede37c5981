import type { ClientErrorKind } from './types.ts';

/** A connection failure sorted into a kind the result's error table keys on, with what to change. */
export interface Classified {
  kind: ClientErrorKind;
  message: string;
}

/** errno-style codes of TLS failures (Node and OpenSSL). */
export const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(VERIFY|GET)_|EPROTO$|ERR_OSSL_)/;

/** The first errno-style `code` anywhere in an error's chain (engine.io-client nests it in `description`). */
export function errorCode(e: unknown, depth = 0): string | null {
  if (!e || typeof e !== 'object' || depth > 4) return null;
  const o = e as { code?: unknown; description?: unknown; cause?: unknown; error?: unknown };
  if (typeof o.code === 'string') return o.code;
  return errorCode(o.description, depth + 1) ?? errorCode(o.cause, depth + 1) ?? errorCode(o.error, depth + 1);
}

/**
 * Classify a failed connect: fd exhaustion, ephemeral-port exhaustion, TLS, an Engine.IO
 * "Session ID unknown" (HTTP 400), or a plain connect error. Each message says what to change.
 */
export function classifyError(e: unknown, fallback: ClientErrorKind = 'connect_error'): Classified {
  const text = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
  const code = typeof e === 'string' ? (/\b(EMFILE|ENFILE|EADDRNOTAVAIL|EADDRINUSE)\b/.exec(e)?.[1] ?? null) : errorCode(e);
  if (code === 'EMFILE' || code === 'ENFILE') {
    return { kind: 'emfile', message: `${text}: out of file descriptors (EMFILE); raise \`ulimit -n\`, or spread clients over more generators (--generators)` };
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EADDRINUSE') {
    return {
      kind: 'port_exhaustion',
      message: `${text}: no free ephemeral port (${code}); spread clients over more source addresses (scenario \`sourceIps\`)`,
    };
  }
  if (code && TLS_CODES.test(code)) {
    return {
      kind: 'tls_error',
      message: `${text}: TLS failed (${code}); use a certificate the client trusts (NODE_EXTRA_CA_CERTS=ca.pem), or a plain http:// target`,
    };
  }
  const status = typeof e === 'object' && e !== null ? (e as { description?: unknown }).description : undefined;
  if (status === 400 || /HTTP 400|Session ID unknown/i.test(text)) {
    return {
      kind: 'session_unknown',
      message: /Session ID unknown/.test(text) ? text : `${text}: HTTP 400 (Engine.IO "Session ID unknown": a request reached a worker without the session)`,
    };
  }
  return { kind: fallback, message: text };
}
