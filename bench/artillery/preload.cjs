/**
 * Preloaded into the Artillery process by bench/artillery.ts (`NODE_OPTIONS=--require …`).
 *
 * 1. Artillery's command loader requires @typescript-eslint/typescript-estree (through
 *    detective-typescript), which npm hoists to the top of node_modules, where `require('typescript')`
 *    finds this project's TypeScript 7: it has no JS API, so `artillery run` fails to load
 *    ("Cannot read properties of undefined (reading 'BarBarToken')"). From inside
 *    @typescript-eslint/, `typescript` is resolved to the TypeScript 5 that detective-typescript
 *    brings along instead.
 *
 * 2. The benchmark sends traffic to this machine only:
 *
 *  - Artillery's usage telemetry (posthog-node) is replaced by a no-op client. Artillery sends a
 *    "test run" event even with ARTILLERY_DISABLE_TELEMETRY set (a smaller one), so the variable
 *    alone is not enough.
 *  - Any TCP connection to an address other than loopback (127.0.0.0/8, ::1, localhost) fails at
 *    once with an error, and is counted on stderr (`[no-egress] blocked …`).
 */
'use strict';
const Module = require('node:module');
const net = require('node:net');

const { dirname, sep } = require('node:path');

let ts5 = null;
try {
  ts5 = require.resolve('typescript', { paths: [dirname(require.resolve('detective-typescript/package.json'))] });
} catch {
  // not installed: leave resolution alone
}
const resolveOriginal = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
  if (ts5 && request === 'typescript' && parent && typeof parent.filename === 'string' && parent.filename.includes(`${sep}@typescript-eslint${sep}`))
    return ts5;
  return resolveOriginal.call(this, request, parent, ...rest);
};

const loadOriginal = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'posthog-node') {
    class PostHog {
      capture() {}
      shutdown() {}
      async shutdownAsync() {}
      async flush() {}
    }
    return { PostHog };
  }
  return loadOriginal.call(this, request, parent, isMain);
};

const isLoopback = (host) =>
  host === undefined ||
  host === null ||
  host === '' ||
  host === 'localhost' ||
  host === '::1' ||
  /^127\.\d+\.\d+\.\d+$/.test(host) ||
  /^::ffff:127\./.test(host);

const connectOriginal = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = args[0];
  // connect(options[, cb]) | connect(path[, cb]) | connect(port[, host][, cb]); arrays are Node's internal normalized form
  const opts = Array.isArray(first) ? first[0] : first;
  let host;
  let path;
  if (opts && typeof opts === 'object') {
    host = opts.host;
    path = opts.path;
  } else if (typeof first === 'string' && Number.isNaN(Number(first))) {
    path = first;
  } else {
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (!path && !isLoopback(host)) {
    // like net: a truthy `path` means a local (unix) socket
    process.stderr.write(`[no-egress] blocked a connection to ${String(host)}\n`);
    process.nextTick(() => this.destroy(new Error(`no-egress: connections to ${String(host)} are blocked by the benchmark`)));
    return this;
  }
  return connectOriginal.apply(this, args);
};
