import type { Options } from 'yargs';
import type { RunOptions } from '../run/run.ts';

/**
 * The one declarative table of `rtbench run` flags. `RUN_FLAG_OPTION` below names the RunOptions
 * field each sets, checked by the compiler against `RunOptions` both ways (types and coverage), and
 * `runOptionsOf` maps parsed flags through it: flags cannot drift from the programmatic options.
 */
export const runFlags = {
  target: {
    type: 'string',
    describe: 'Drive this server instead of the bundled reference server: any http(s) or ws(s) URL; its path is the Socket.IO namespace (or the ws path)',
  },
  'dry-run': { type: 'boolean', describe: 'Plan the run, resolve the target, print both and exit 0 without connecting or starting anything' },
  duration: { type: 'string', describe: "Override the scenario's total duration, phases scaled proportionally (e.g. 30s, 2m)" },
  out: { type: 'string', describe: 'Output folder (default reports/<scenario>-<timestamp>/)' },
  topology: { type: 'string', describe: "Reference topology to start (or comma-separated list), instead of the scenario's" },
  generators: {
    type: 'number',
    describe: "Generator processes (default: the scenario's, else sized from the load: one per 5,000 clients or 500 arrivals/s, at most one per core)",
  },
  repeat: { type: 'number', describe: 'Rounds per topology; per-round figures make `compare` noise-aware (default 1)' },
  quiet: { type: 'boolean', describe: 'No progress line and no summary; errors only' },
  junit: { type: 'string', describe: 'Also write JUnit XML here (one testcase per run and per threshold)' },
  'summary-md': { type: 'string', describe: 'Also write a Markdown summary here (for a CI step summary)' },
  shard: { type: 'string', describe: 'Run only slice i of N of the load (0-based, e.g. 0/3) and write a shard result for `rtbench merge`; needs --target' },
  'start-at': { type: 'string', describe: 'Wait until this wall-clock time (ISO, e.g. 2030-01-01T12:00:00Z; at most 1 h ahead) to start the load' },
  'print-result-line': { type: 'boolean', describe: 'End stdout with one line RTBENCH_RESULT <base64 gzip JSON> (for `rtbench collect` from pod logs)' },
  runtime: {
    type: 'string',
    choices: ['processes', 'containers'],
    describe: 'Run the reference topology as local processes (default) or as containers (Docker via testcontainers)',
  },
  output: {
    type: 'string',
    array: true,
    describe:
      'Stream live metrics once a second while the run goes (repeatable): json=FILE (JSON lines) or prometheus=URL[,header=Name:Value] (remote write to any endpoint; user:password@ in the URL is Basic auth; headers also from RTBENCH_PROMETHEUS_HEADERS)',
  },
  'find-max': {
    type: 'boolean',
    describe:
      "Capacity search: raise the arrival rate in steps, then bisect, to the highest rate that holds the scenario's thresholds (its `search` block sets from/factor/precision/step; --duration sets the step)",
  },
  'show-query': {
    type: 'string',
    describe:
      'Query parameters safe to show, comma-separated (e.g. room,lang): every other query value of --target and connect.query is REDACTED on the console, in the dry run, result.json and report.html (the clients still send them)',
  },
  'on-generator-crash': {
    type: 'string',
    choices: ['fail', 'continue'],
    describe: 'A generator process that crashes: fail the run (default) or continue with a loud warning; its figures are kept either way',
  },
} as const satisfies Record<string, Options>;

/** The RunOptions field each `rtbench run` flag sets; null for a flag of the command alone (what it does around the run). */
export const RUN_FLAG_OPTION = {
  target: 'target',
  'dry-run': 'dryRun',
  duration: 'duration',
  out: 'out',
  topology: 'topology',
  generators: 'generators',
  repeat: 'repeat',
  quiet: 'quiet',
  junit: 'junit',
  'summary-md': 'summaryMd',
  shard: 'shard',
  'start-at': 'startAt',
  'print-result-line': null,
  runtime: 'runtime',
  output: 'outputs',
  'find-max': null,
  'show-query': 'showQuery',
  'on-generator-crash': 'onGeneratorCrash',
} as const satisfies { readonly [F in keyof typeof runFlags]: keyof RunOptions | null };

/** The value a yargs flag definition parses to. */
type FlagValue<O> = O extends { choices: ReadonlyArray<infer C> }
  ? C
  : O extends { array: true }
    ? string[]
    : O extends { type: 'string' }
      ? string
      : O extends { type: 'number' }
        ? number
        : O extends { type: 'boolean' }
          ? boolean
          : never;
type RunFlag = keyof typeof RUN_FLAG_OPTION;
/** Flags whose parsed value does not fit the RunOptions field they set (must be none). */
type MisfitFlags = {
  [F in RunFlag]: (typeof RUN_FLAG_OPTION)[F] extends keyof RunOptions
    ? FlagValue<(typeof runFlags)[F]> extends NonNullable<RunOptions[(typeof RUN_FLAG_OPTION)[F]]>
      ? never
      : F
    : never;
}[RunFlag];
/** RunOptions fields no flag sets, less those only a program can pass (must be none). */
type UnflaggedOptions = Exclude<keyof RunOptions, (typeof RUN_FLAG_OPTION)[RunFlag] | 'reporters' | 'signal' | 'stdout' | 'stderr'>;
// compile-time checks: a flag of the wrong type, or a new RunOptions field without a flag, names itself here
export const RUN_FLAGS_FIT: [MisfitFlags] extends [never] ? true : MisfitFlags = true;
export const RUN_OPTIONS_FLAGGED: [UnflaggedOptions] extends [never] ? true : UnflaggedOptions = true;

/** The RunOptions that parsed `rtbench run` flags set (switches as booleans, the rest as given or undefined). */
export function runOptionsOf(args: Readonly<Record<string, unknown>>): RunOptions {
  const options: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(RUN_FLAG_OPTION)) {
    if (field !== null) options[field] = runFlags[flag as RunFlag].type === 'boolean' ? Boolean(args[flag]) : args[flag];
  }
  return options as RunOptions;
}

export const serveFlags = {
  topology: { type: 'string', default: 'single', describe: 'Reference topology to serve' },
  port: { type: 'string', default: '3000', describe: 'Port to listen on (0 = any free port)' },
  host: { type: 'string', default: '127.0.0.1', describe: 'Address to bind (loopback by default; anything else is warned about)' },
  'push-rate': { type: 'number', default: 0, describe: 'Server push events per second to every connected client' },
  'delay-ms': { type: 'number', default: 0, describe: 'Delay every client event by this many ms (single topology): a server with added latency' },
  'service-ms': {
    type: 'number',
    default: 0,
    describe:
      'Serve client events one at a time, this many ms each (single topology): a server whose capacity is exactly 1000/N events per second (to check a capacity search)',
  },
  'max-conns-per-worker': {
    type: 'number',
    describe: 'Connections a cluster worker holds before it stops accepting and leaves new ones to the others (default: 95% of its open-file limit)',
  },
} as const satisfies Record<string, Options>;

export const benchHashFlags = {
  workers: { type: 'number', default: 4, describe: 'Worker count to hash onto' },
  ips: { type: 'number', default: 1_000_000, describe: 'Random addresses per set' },
  ipv6: { type: 'boolean', default: false, describe: 'Also measure an IPv6 address set' },
  json: { type: 'boolean', default: false, describe: 'Print the result as JSON' },
} as const satisfies Record<string, Options>;

export const compareFlags = {
  max: { type: 'string', describe: 'Tolerances, e.g. p99=+10%,throughput=-5% (default p99=+10%,throughput=-5%)' },
  junit: { type: 'string', describe: 'Also write JUnit XML (one testcase per compared figure)' },
  'summary-md': { type: 'string', describe: 'Also write a Markdown summary' },
  report: { type: 'string', describe: 'Also write the HTML comparison report (overlaid curves, delta table) to this file' },
  'cross-topology': { type: 'boolean', default: false, describe: 'Pair two single-run results of different topologies (refused otherwise)' },
} as const satisfies Record<string, Options>;

export const reportFlags = {
  out: { type: 'string', describe: 'Output HTML file (default: beside the one result, or report.html for several)' },
  max: { type: 'string', describe: 'Tolerances of the delta table, as `compare --max`: e.g. p99=+10%,throughput=-5% (default p99=+10%,throughput=-5%)' },
} as const satisfies Record<string, Options>;

export const abFlags = {
  'target-a': { type: 'string', demandOption: true, describe: 'URL of server A (http(s)://, or ws(s):// for the ws engine)' },
  'target-b': { type: 'string', demandOption: true, describe: 'URL of server B (http(s)://, or ws(s):// for the ws engine)' },
  a: { type: 'string', describe: 'Shell command that starts server A (stopped at the end)' },
  b: { type: 'string', describe: 'Shell command that starts server B (stopped at the end)' },
  rounds: { type: 'number', default: 6, describe: 'Rounds per side, interleaved A B A B … (at least 3)' },
  duration: { type: 'string', describe: "Override the scenario's duration for each round" },
  generators: { type: 'number', describe: 'Generator processes per round' },
  max: { type: 'string', describe: 'Tolerances for B vs A, e.g. p99=+10%' },
  out: { type: 'string', describe: 'Folder for ab.json (default reports/ab-<timestamp>/)' },
  junit: { type: 'string', describe: 'Also write JUnit XML (one testcase per compared figure)' },
  'summary-md': { type: 'string', describe: 'Also write a Markdown summary (for a CI step summary)' },
  report: { type: 'string', describe: 'Also write the HTML comparison report of A and B (overlaid curves, delta table) to this file' },
} as const satisfies Record<string, Options>;

export const mergeFlags = {
  out: { type: 'string', demandOption: true, describe: 'Output folder for the merged result.json and report.html' },
  quiet: { type: 'boolean', describe: 'No summary; errors only' },
  junit: { type: 'string', describe: 'Also write JUnit XML here (one testcase per run and per threshold)' },
  'summary-md': { type: 'string', describe: 'Also write a Markdown summary here' },
} as const satisfies Record<string, Options>;

export const initFlags = {
  target: { type: 'string', choices: ['socket.io', 'ws'], describe: 'The kind of server to test (default: detected from package.json, else socket.io)' },
  url: { type: 'string', default: 'http://127.0.0.1:3000', describe: 'Where the server under test listens, for the scenario and the CI job' },
  dir: { type: 'string', default: '.', describe: 'The project folder to write into' },
} as const satisfies Record<string, Options>;

export const k8sFlags = {
  shards: { type: 'number', demandOption: true, describe: 'Number of shards (pods of the Indexed Job)' },
  target: { type: 'string', demandOption: true, describe: 'In-cluster URL of the server under test, e.g. http://chat.default.svc.cluster.local:3000' },
  image: { type: 'string', demandOption: true, describe: 'Container image with rtbench (see Dockerfile)' },
  out: { type: 'string', describe: 'Write the manifests to DIR/<job>.yaml (default: print them)' },
  generators: { type: 'number', default: 1, describe: 'Generator processes per shard (also its CPU request)' },
  'start-in': { type: 'string', default: '2m', describe: 'The shards start their load this long after now (10s..60m): time to apply and schedule' },
  duration: { type: 'string', describe: "Override the scenario's total duration on every shard" },
  namespace: { type: 'string', describe: 'Namespace of the objects' },
  name: { type: 'string', describe: 'Job name (default rtbench-<scenario>-<HHMMSS>)' },
  memory: { type: 'string', describe: 'Memory request and limit per shard (default 1Gi)' },
  format: { type: 'string', choices: ['yaml', 'json'], default: 'yaml', describe: 'YAML documents or a JSON List' },
} as const satisfies Record<string, Options>;
