import type { EngineName } from './engine-name.ts';
import { show } from '../util/show.ts';

/**
 * What a client sends when it connects: `client.connect(options)`, or the scenario's `connect`
 * default (an object, or a function of the session's ctx for a token per user).
 */
export interface ConnectOptions {
  /** Socket.IO namespace, e.g. `'/chat'` (Socket.IO engines). Default: the `--target` URL's path, else `/`. */
  namespace?: string;
  /** Socket.IO handshake payload, read by the server as `socket.handshake.auth` (Socket.IO engines). */
  auth?: Record<string, unknown>;
  /** Query parameters of the handshake URL (added to any query of `--target`). */
  query?: Record<string, string | number | boolean>;
  /** Extra HTTP headers of the handshake (the WebSocket upgrade request; socket.io-client's `extraHeaders`; the `sse` engine's GET). */
  headers?: Record<string, string>;
  /**
   * Socket.IO engines: the server's packet parser. `'msgpack'` speaks socket.io-msgpack-parser's
   * MessagePack; on engine `socket.io` it may also be any socket.io-parser-compatible module the
   * scenario imports (`{ Encoder, Decoder }`). Default: Socket.IO's own JSON parser.
   */
  parser?: 'msgpack' | SocketIoParser;
  /** `sse` engine: the event stream's path, e.g. `'/events'` (default: the `--target` URL's path, else the scenario's `path`). */
  path?: string;
}

/** A socket.io-parser-compatible module, as socket.io-client's `parser` option takes it. */
export interface SocketIoParser {
  Encoder: new () => unknown;
  Decoder: new () => unknown;
}

/** Connect options resolved against the target: what an engine applies. */
export interface ResolvedConnect {
  /** Socket.IO namespace (always starts with `/`). */
  namespace: string;
  auth: Record<string, unknown> | undefined;
  /** The target's query merged with the options' query, all values strings. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** True when the handshake URL needs a query string. */
  hasQuery: boolean;
  /** True when there are extra headers. */
  hasHeaders: boolean;
  /** Socket.IO engines: the parser (absent: Socket.IO's JSON parser). */
  parser?: 'msgpack' | SocketIoParser;
  /** `sse` engine: the stream's path (absent: the target's path, else the scenario's `path`). */
  path?: string;
}

const KEYS = ['namespace', 'auth', 'query', 'headers', 'parser', 'path'] as const;
/** An HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the engines set themselves; overriding them would break the handshake. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'content-length',
  'transfer-encoding',
]);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !isThenable(v);
const isThenable = (v: unknown): boolean => v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

/**
 * Check connect options; returns every problem, each naming `where.<field>` and the fix.
 * `engine` rules out the Socket.IO-only fields (`namespace`, `auth`) on the other engines.
 */
export function connectProblems(v: unknown, where: string, engine: EngineName): string[] {
  if (v === undefined) return [];
  if (isThenable(v))
    return [
      `\`${where}\` is a Promise: write \`${where}: async (ctx) => ({ … })\` (a function, awaited at each client's first connect), or \`await\` the options before passing them`,
    ];
  if (!isPlainObject(v)) return [`\`${where}\` must be an object { ${KEYS.map((k) => `${k}?`).join(', ')} } (got ${show(v)})`];
  const problems: string[] = [];
  for (const k of Object.keys(v)) {
    if (!(KEYS as readonly string[]).includes(k)) problems.push(`\`${where}.${k}\` is not a connect option (known: ${KEYS.join(', ')})`);
  }
  const { namespace, auth, query, headers, parser, path } = v;
  const socketIo = engine === 'socket.io' || engine === 'socket.io-lean';
  if (namespace !== undefined) {
    if (!socketIo)
      problems.push(
        `\`${where}.namespace\` is a Socket.IO option: with engine '${engine}' put the WebSocket path in --target (ws://host:port/path) or in \`path\``,
      );
    else if (typeof namespace !== 'string' || !namespace.startsWith('/')) {
      problems.push(
        `\`${where}.namespace\` must start with '/' (got ${show(namespace)}): write e.g. '/${typeof namespace === 'string' ? namespace.replace(/^\/*/, '') || 'chat' : 'chat'}'`,
      );
    }
  }
  if (auth !== undefined) {
    if (!socketIo) problems.push(`\`${where}.auth\` is the Socket.IO handshake payload: with engine '${engine}' send credentials in \`query\` or \`headers\``);
    else if (!isPlainObject(auth)) problems.push(`\`${where}.auth\` must be an object, e.g. { token: 'abc' } (got ${show(auth)})`);
  }
  if (parser !== undefined) problems.push(...parserProblems(parser, where, engine));
  if (path !== undefined) {
    if (engine !== 'sse')
      problems.push(
        `\`${where}.path\` is the event stream's path of engine 'sse': with engine '${engine}' set the scenario's \`path\` or put the path in --target`,
      );
    else if (typeof path !== 'string' || !path.startsWith('/'))
      problems.push(`\`${where}.path\` must be a path starting with '/', e.g. '/events' (got ${show(path)})`);
  }
  if (query !== undefined) {
    if (!isPlainObject(query)) problems.push(`\`${where}.query\` must be an object of name → string, e.g. { room: 'a' } (got ${show(query)})`);
    else {
      for (const [k, q] of Object.entries(query)) {
        if (typeof q !== 'string' && typeof q !== 'number' && typeof q !== 'boolean')
          problems.push(`\`${where}.query.${k}\` must be a string, number or boolean (got ${show(q)})`);
      }
    }
  }
  if (headers !== undefined) {
    if (!isPlainObject(headers))
      problems.push(`\`${where}.headers\` must be an object of header name → string, e.g. { 'x-tenant': 'acme' } (got ${show(headers)})`);
    else {
      for (const [k, h] of Object.entries(headers)) {
        if (!TOKEN.test(k)) problems.push(`\`${where}.headers\` name ${show(k)} is not a valid HTTP header name`);
        else if (RESERVED_HEADERS.has(k.toLowerCase())) problems.push(`\`${where}.headers['${k}']\` is set by the engine itself: remove it`);
        if (typeof h !== 'string' || /[\r\n\0]/.test(h)) problems.push(`\`${where}.headers['${k}']\` must be a string without line breaks (got ${show(h)})`);
      }
    }
  }
  return problems;
}

/** A socket.io-parser-compatible module: `Encoder` and `Decoder` classes (socket.io-msgpack-parser, socket.io-parser, …). */
export function isParserModule(v: unknown): v is SocketIoParser {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as { Encoder?: unknown }).Encoder === 'function' &&
    typeof (v as { Decoder?: unknown }).Decoder === 'function'
  );
}

function parserProblems(parser: unknown, where: string, engine: EngineName): string[] {
  if (engine !== 'socket.io' && engine !== 'socket.io-lean')
    return [
      `\`${where}.parser\` is a Socket.IO option (the packet parser): engine '${engine}' has none; remove it, or use engine 'socket.io' or 'socket.io-lean'`,
    ];
  if (parser === 'msgpack') return [];
  if (engine === 'socket.io' && isParserModule(parser)) return [];
  const module =
    engine === 'socket.io'
      ? `, or a socket.io-parser-compatible module the scenario imports (\`import * as parser from '…'\`: an object with Encoder and Decoder classes)`
      : '';
  const lean =
    engine === 'socket.io-lean' && isParserModule(parser)
      ? `; engine 'socket.io-lean' decodes packets itself and knows only 'msgpack': use engine 'socket.io' for a parser module`
      : '';
  return [`\`${where}.parser\` must be 'msgpack' (socket.io-msgpack-parser's MessagePack)${module} (got ${show(parser)})${lean}`];
}

/** Bad connect options given at run time (`client.connect(opts)` or a `connect(ctx)` function's result). */
export class ConnectOptionsError extends Error {
  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConnectOptionsError';
  }
}

/**
 * The scenario default and the call's options, field by field: `namespace` and `auth` of the
 * call replace the default's, `query` and `headers` are merged name by name (the call wins).
 */
/** No connect options: one frozen object for every client that has none (not an empty object each). */
const NO_CONNECT_OPTIONS: ConnectOptions = Object.freeze({});

export function mergeConnect(base: ConnectOptions | undefined, call: ConnectOptions | undefined): ConnectOptions {
  if (!call) return base ?? NO_CONNECT_OPTIONS;
  if (!base) return call;
  return {
    namespace: call.namespace ?? base.namespace,
    auth: call.auth ?? base.auth,
    query: base.query || call.query ? { ...base.query, ...call.query } : undefined,
    headers: base.headers || call.headers ? { ...base.headers, ...call.headers } : undefined,
    ...((call.parser ?? base.parser) !== undefined ? { parser: call.parser ?? base.parser } : {}),
    ...((call.path ?? base.path) !== undefined ? { path: call.path ?? base.path } : {}),
  };
}

/** The parts of a `--target` URL that connect options build on. */
export interface TargetParts {
  /** `http(s)://host:port` */
  origin: string;
  /** The URL's path without a trailing `/` ('' when none): the namespace (Socket.IO) or WebSocket path (ws). */
  pathname: string;
  /** The URL's query parameters. */
  query: Record<string, string>;
}

/** Split a target URL (its path and query are kept: they select a namespace and add to every handshake). */
export function targetParts(target: string): TargetParts {
  const u = new URL(target);
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = v;
  const origin = `${u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol}//${u.host}`;
  return { origin, pathname: u.pathname.replace(/\/+$/, ''), query };
}

/**
 * Resolve options against the target (check them first with `connectProblems`). Throws
 * `ConnectOptionsError` when they are invalid for `engine`.
 */
export function resolveConnect(o: ConnectOptions, target: TargetParts, engine: EngineName): ResolvedConnect {
  const problems = connectProblems(o, 'connect', engine);
  if (problems.length) throw new ConnectOptionsError(problems);
  const query: Record<string, string> = { ...target.query };
  if (o.query) for (const [k, v] of Object.entries(o.query)) query[k] = String(v);
  // copies: socket.io-client adds to the objects it is given (e.g. a `cookie` header), and a
  // reconnection resolves the same options again
  const headers = { ...o.headers };
  return {
    namespace: o.namespace ?? (target.pathname || '/'),
    auth: o.auth ? { ...o.auth } : undefined,
    query,
    headers,
    hasQuery: Object.keys(query).length > 0,
    hasHeaders: Object.keys(headers).length > 0,
    ...(o.parser !== undefined ? { parser: o.parser } : {}),
    ...(o.path !== undefined ? { path: o.path } : {}),
  };
}

/** `url` with `query` added to its query string. */
export function withQuery(url: string, query: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}
