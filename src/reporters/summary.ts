import type { RunFile } from '../result/types.ts';
import { formatSummary } from './console-summary.ts';
import type { Output, Reporter } from '../run/reporter.ts';

/** Prints the end-of-run summary table. */
export function summaryReporter(out: Output): Reporter {
  return {
    name: 'summary',
    onEnd(file: RunFile) {
      out.write(`${formatSummary(file, { color: false })}\n`);
    },
  };
}
