import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { ExitCode, InputError, isRtbenchError } from '../shared/errors.ts';
import { processIO, type CliIO } from './io.ts';
import { didYouMean } from '../shared/suggest.ts';
import { abFlags, benchHashFlags, compareFlags, initFlags, k8sFlags, mergeFlags, reportFlags, runFlags, serveFlags } from './options.ts';

/**
 * yargs through its CommonJS entry: the ESM entry's help layout cuts words in half at the wrap
 * width ("scat / ter"); the CommonJS one wraps between words. Command modules are imported only
 * when their command runs, so `rtbench --help` loads nothing but yargs.
 */
const yargs = createRequire(import.meta.url)('yargs/yargs') as (args: string[]) => Argv;

export { processIO, type CliIO };

const COMMANDS = ['run', 'init', 'serve', 'bench-hash', 'compare', 'ab', 'report', 'merge', 'collect', 'k8s'];
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  run: Object.keys(runFlags),
  init: Object.keys(initFlags),
  serve: Object.keys(serveFlags),
  'bench-hash': Object.keys(benchHashFlags),
  compare: Object.keys(compareFlags),
  ab: Object.keys(abFlags),
  merge: Object.keys(mergeFlags),
  collect: Object.keys(mergeFlags),
  k8s: Object.keys(k8sFlags),
  report: Object.keys(reportFlags),
};

/** For yargs' "Unknown argument(s): x, y": the nearest flag of the command (or command) for each. */
function unknownHint(msg: string, argv: string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return '';
  const command = argv[0] ?? '';
  const known = COMMANDS.includes(command) ? (FLAGS[command] ?? []) : COMMANDS;
  const hints = m[1]!.split(', ').map((u) => {
    const near = didYouMean(u.replace(/^-+/, ''), known);
    return near ? `\`${u}\` → ${COMMANDS.includes(command) ? `--${near}` : near}` : null;
  });
  const found = hints.filter((h): h is string => h !== null);
  return found.length ? ` (did you mean: ${found.join(', ')}?)` : '';
}

/**
 * `--duration -1s`: yargs would read `-1s` as the short flags `-1` and `-s` ("Unknown arguments: 1, s").
 * A value that looks like a negative number goes with the flag before it (`--duration=-1s`), so
 * the flag's own check names it.
 */
export function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z][\w-]*$/.test(a) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** The text typed for flag `name` (`--name v` or `--name=v`), for messages about it. */
function typed(argv: string[], name: string): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1] ?? '';
    if (argv[i]!.startsWith(`--${name}=`)) return argv[i]!.slice(name.length + 3);
  }
  return '';
}

/** Numeric flags yargs could not read (`--generators abc` is NaN to it): refused naming what was typed. */
function checkNumbers(args: Record<string, unknown>, argv: string[]): void {
  for (const [k, v] of Object.entries(args)) {
    // yargs' camelCase aliases of dashed flags are skipped: the dashed one is reported
    if (typeof v !== 'number' || !Number.isNaN(v) || /[A-Z]/.test(k) || k.length === 1) continue;
    throw new InputError('E_USAGE', `\`--${k}\` must be a number (got ${JSON.stringify(typed(argv, k))})`, {
      hint: `e.g. \`--${k} 2\`; see \`rtbench ${argv[0] ?? ''} --help\``,
    });
  }
}

/** Parse argv and run the command. Returns the exit code (see ExitCode); never calls process.exit. */
export async function cli(rawArgv: string[], io: CliIO = processIO()): Promise<number> {
  const argv = joinNegativeValues(rawArgv);
  // `rtbench --version` / `-V` (alone: a run's own flags come after its command)
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${await (await import('../result/environment.ts')).rtbenchVersion()}\n`);
    return ExitCode.ok;
  }
  let code: number = ExitCode.ok;
  let action: (() => Promise<number>) | null = null;
  const parser = yargs(argv)
    .scriptName('rtbench')
    .usage('$0 <command> [options]   ($0 --version: the version)\n\nLoad-test realtime (Socket.IO / WebSocket) servers and the classic ways of scaling them.')
    .command(
      'run <scenario>',
      'Run a scenario (.ts) against the bundled reference server or --target',
      (y) => y.positional('scenario', { type: 'string', describe: 'Scenario file, e.g. scenarios/churn.ts', demandOption: true }).options(runFlags),
      (args) => {
        action = async () => {
          // the first generator process starts before the run's own modules load (time to first connection)
          const spare = args['dry-run'] || args['find-max'] ? null : new (await import('../generator/spare.ts')).SpareGenerator(args.scenario as string);
          try {
            return await (await import('./run-command.ts')).runCommand(args.scenario as string, args, io, spare);
          } finally {
            spare?.close();
          }
        };
      },
    )
    .command(
      'init',
      'Write a starter scenario (rtbench/smoke.ts) with thresholds and a CI job for your Socket.IO or ws server',
      (y) => y.options(initFlags),
      (args) => {
        action = async () =>
          (await import('./init-command.ts')).initCommand(
            { dir: args.dir, url: args.url, ...(args.target ? { target: args.target as 'socket.io' | 'ws' } : {}) },
            io.stdout,
          );
      },
    )
    .command(
      'serve',
      'Start the reference server on its own',
      (y) => y.options(serveFlags),
      (args) => {
        action = async () =>
          (await import('./serve-command.ts')).serveCommand(
            {
              topology: args.topology,
              port: args.port,
              host: args.host,
              pushRate: args['push-rate'],
              delayMs: args['delay-ms'],
              serviceMs: args['service-ms'],
              ...(args['max-conns-per-worker'] ? { maxConnectionsPerWorker: args['max-conns-per-worker'] } : {}),
            },
            io,
          );
      },
    )
    .command(
      'bench-hash',
      "Reproduce the sticky-master IP-hash benchmark (time and scatter per worker), with rtbench's default hash",
      (y) => y.options(benchHashFlags),
      (args) => {
        action = async () =>
          (await import('./bench-hash-command.ts')).benchHashCommand({ workers: args.workers, ips: args.ips, ipv6: args.ipv6, json: args.json }, io.stdout);
      },
    )
    .command(
      'compare <baseline> <current>',
      'Compare two result.json files; exit 99 on a regression beyond tolerance',
      (y) =>
        y.positional('baseline', { type: 'string', demandOption: true }).positional('current', { type: 'string', demandOption: true }).options(compareFlags),
      (args) => {
        action = async () =>
          (await import('./compare-command.ts')).compareCommand(
            {
              baseline: args.baseline as string,
              current: args.current as string,
              max: args.max,
              junit: args.junit,
              summaryMd: args['summary-md'],
              crossTopology: Boolean(args['cross-topology']),
              report: args.report,
            },
            io.stdout,
          );
      },
    )
    .command(
      'ab <scenario>',
      'Interleaved A/B: rounds A B A B … against two servers; ratio B/A with a confidence interval',
      (y) => y.positional('scenario', { type: 'string', demandOption: true }).options(abFlags),
      (args) => {
        action = async () =>
          (await import('./ab-command.ts')).abCommand(
            {
              scenario: args.scenario as string,
              targetA: args['target-a'],
              targetB: args['target-b'],
              a: args.a,
              b: args.b,
              rounds: args.rounds,
              duration: args.duration,
              generators: args.generators,
              max: args.max,
              out: args.out,
              junit: args.junit,
              summaryMd: args['summary-md'],
              report: args.report,
            },
            io,
          );
      },
    )
    .command(
      'report <results..>',
      'Render the HTML report again from result.json files (several: a comparison)',
      (y) => y.positional('results', { type: 'string', array: true, demandOption: true }).options(reportFlags),
      (args) => {
        action = async () =>
          (await import('./report-command.ts')).reportCommand({ results: args.results as string[], out: args.out, max: args.max }, io.stdout);
      },
    )
    .command(
      'merge <files..>',
      'Merge shard results (rtbench run --shard i/N) losslessly into one result; exit 99 when a threshold fails',
      (y) => y.positional('files', { type: 'string', array: true, demandOption: true }).options(mergeFlags),
      (args) => {
        action = async () =>
          (await import('./merge-command.ts')).mergeCommand(
            { files: args.files as string[], out: args.out, quiet: args.quiet, junit: args.junit, summaryMd: args['summary-md'] },
            io.stdout,
          );
      },
    )
    .command(
      'collect <logs..>',
      'Extract the RTBENCH_RESULT lines of shards from pod logs (files, or - for stdin) and merge them',
      (y) => y.positional('logs', { type: 'string', array: true, demandOption: true }).options(mergeFlags),
      (args) => {
        action = async () =>
          (await import('./merge-command.ts')).collectCommand(
            { logs: args.logs as string[], out: args.out, quiet: args.quiet, junit: args.junit, summaryMd: args['summary-md'] },
            io.stdout,
          );
      },
    )
    .command(
      'k8s <scenario>',
      'Write Kubernetes manifests (ConfigMap + Indexed Job) that run a scenario as N shards in a cluster',
      (y) => y.positional('scenario', { type: 'string', demandOption: true }).options(k8sFlags),
      (args) => {
        action = async () =>
          (await import('./k8s-command.ts')).k8sCommand(
            {
              scenario: args.scenario as string,
              shards: args.shards,
              target: args.target,
              image: args.image,
              out: args.out,
              generators: args.generators,
              startIn: args['start-in'],
              duration: args.duration,
              namespace: args.namespace,
              name: args.name,
              memory: args.memory,
              format: args.format as 'yaml' | 'json',
            },
            io.stdout,
            io.stderr,
          );
      },
    )
    .middleware((args) => checkNumbers(args, argv))
    .demandCommand(1, 'name a command: run, init, serve, report, compare, ab, bench-hash, merge, collect or k8s (see --help)')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .exitProcess(false)
    .wrap(Math.min(120, process.stdout.columns || 80))
    .fail((msg, err) => {
      if (err) throw err;
      if (/Not enough non-option arguments/.test(msg) && argv[0] === 'run') {
        throw new InputError('E_USAGE', '`rtbench run` needs a scenario file', {
          hint: 'e.g. `npx rtbench run scenarios/churn.ts` (see `rtbench run --help`)',
        });
      }
      throw new InputError('E_USAGE', `${msg}${unknownHint(msg, argv)}`, {
        hint: `see \`rtbench ${COMMANDS.includes(argv[0] ?? '') ? `${argv[0]} ` : ''}--help\``,
      });
    });
  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (helpText) io.stdout.write(`${helpText}\n`);
    if (action) code = await (action as () => Promise<number>)();
  } catch (e) {
    if (isRtbenchError(e)) {
      io.stderr.write(`${e.format()}\n`);
      return e.exitCode;
    }
    io.stderr.write(`rtbench: internal error (please report): ${e instanceof Error ? e.stack : String(e)}\n`);
    return ExitCode.runFailed;
  }
  return code;
}
