import { ExitCode } from '../shared/errors.ts';
import { run, type RunOptions } from '../run/run.ts';
import { runSearch } from '../search/run-search.ts';
import { encodeResultLine } from '../shard/result-line.ts';
import { failedGateLine } from '../reporters/verdict-line.ts';
import type { CliIO } from './io.ts';
import { runOptionsOf } from './options.ts';
import type { SpareGenerator } from '../generator/spare.ts';

/** `rtbench run <scenario>`: flags to RunOptions through the flag table (src/cli/options.ts); first SIGINT interrupts (results kept), second exits. */
export async function runCommand(scenario: string, args: Readonly<Record<string, unknown>>, io: CliIO, spare: SpareGenerator | null = null): Promise<number> {
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
    const options: RunOptions = { ...runOptionsOf(args), signal: ac.signal, stdout: io.stdout, stderr: io.stderr };
    // a capacity search is a loop of ordinary runs (src/search/)
    const outcome = args['find-max'] ? await runSearch(scenario, options) : await run(scenario, options, spare);
    // --quiet prints no summary, but a failed gate still says why in one line
    if (args.quiet && outcome.exitCode === ExitCode.thresholdsFailed) io.stderr.write(`${failedGateLine(outcome.file) ?? 'rtbench: thresholds FAILED'}\n`);
    if (args['print-result-line']) io.stdout.write(`${encodeResultLine(outcome.file)}\n`);
    return outcome.exitCode;
  } finally {
    off();
  }
}
