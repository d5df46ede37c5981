import type { Options } from 'yargs';

/**
 * The one declarative table of `rtbench run` flags, keyed by the RunOptions field they set,
 * so flags cannot drift from the programmatic options.
 */
export const runFlags = {
  target: { type: 'string', describe: 'Drive this server (http://127.0.0.1:PORT) instead of the bundled reference server' },
  duration: { type: 'string', describe: "Override the scenario's total duration, phases scaled proportionally (e.g. 30s, 2m)" },
  out: { type: 'string', describe: 'Output folder (default reports/<scenario>-<timestamp>/)' },
  topology: { type: 'string', describe: 'Reference topology to start (or comma-separated list), instead of the scenario\'s' },
  generators: { type: 'number', describe: 'Generator processes (default: one per core)' },
  quiet: { type: 'boolean', describe: 'No progress line and no summary; errors only' },
  junit: { type: 'string', describe: 'Also write JUnit XML here (one testcase per run and per threshold)' },
  'summary-md': { type: 'string', describe: 'Also write a Markdown summary here (for a CI step summary)' },
} as const satisfies Record<string, Options>;

export const serveFlags = {
  topology: { type: 'string', default: 'single', describe: 'Reference topology to serve' },
  port: { type: 'number', default: 3000, describe: 'Port to listen on (0 = any free port)' },
  host: { type: 'string', default: '127.0.0.1', describe: 'Address to bind (loopback by default; anything else is warned about)' },
  'push-rate': { type: 'number', default: 0, describe: 'Server push events per second to every connected client' },
} as const satisfies Record<string, Options>;

export const benchHashFlags = {
  workers: { type: 'number', default: 4, describe: 'Worker count to hash onto' },
  ips: { type: 'number', default: 1_000_000, describe: 'Random addresses per set' },
  ipv6: { type: 'boolean', default: false, describe: 'Also measure an IPv6 address set' },
  json: { type: 'boolean', default: false, describe: 'Print the result as JSON' },
} as const satisfies Record<string, Options>;
