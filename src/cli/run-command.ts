import { ExitCode } from '../shared/errors.ts';
import { run, type RunOptions } from '../run/run.ts';
import { runSearch } from '../search/run-search.ts';
import { encodeResultLine } from '../shard/result-line.ts';
import { failedGateLine } from '../reporters/verdict-line.ts';
import type { CliIO } from './io.ts';
import type { SpareGenerator } from '../generator/spare.ts';

/** `rtbench run <scenario>`: maps flags to RunOptions; first SIGINT interrupts (results kept), second exits. */
export async function runCommand(scenario: string, args: Partial<Record<keyof RunOptions, unknown>>, io: CliIO, spare: SpareGenerator | null = null): Promise<number> {
  const ac = new AbortController();
  let signals = 0;
  const off = io.onSignal((sig) => {
    signals++;
    if (signals === 1) {
      io.stderr.write(`\nrtbench: ${sig}: stopping the load and writing what was measured (again to quit at once)\n`);
      ac.abort();
    } else process.exit(ExitCode.interrupted);
  });
  try {
    const options: RunOptions = {
      target: args.target as string | undefined,
      duration: args.duration as string | undefined,
      out: args.out as string | undefined,
      topology: args.topology as string | undefined,
      generators: args.generators as number | undefined,
      repeat: args.repeat as number | undefined,
      quiet: Boolean(args.quiet),
      junit: args.junit as string | undefined,
      summaryMd: (args as Record<string, unknown>)['summary-md'] as string | undefined,
      shard: args.shard as string | undefined,
      startAt: (args as Record<string, unknown>)['start-at'] as string | undefined,
      dryRun: Boolean((args as Record<string, unknown>)['dry-run']),
      runtime: args.runtime as 'processes' | 'containers' | undefined,
      onGeneratorCrash: (args as Record<string, unknown>)['on-generator-crash'] as 'fail' | 'continue' | undefined,
      outputs: (args as Record<string, unknown>).output as string[] | undefined,
      showQuery: (args as Record<string, unknown>)['show-query'] as string | undefined,
      signal: ac.signal,
      stdout: io.stdout,
      stderr: io.stderr,
    };
    // a capacity search is a loop of ordinary runs (src/search/)
    const outcome = (args as Record<string, unknown>)['find-max'] ? await runSearch(scenario, options) : await run(scenario, options, spare);
    // --quiet prints no summary, but a failed gate still says why in one line
    if (args.quiet && outcome.exitCode === ExitCode.thresholdsFailed) io.stderr.write(`${failedGateLine(outcome.file) ?? 'rtbench: thresholds FAILED'}\n`);
    if ((args as Record<string, unknown>)['print-result-line']) io.stdout.write(`${encodeResultLine(outcome.file)}\n`);
    return outcome.exitCode;
  } finally {
    off();
  }
}
