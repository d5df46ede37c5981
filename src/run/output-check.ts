/**
 * A run's output paths (`--out`, `--junit`, `--summary-md`, `--output json=`), probed before the
 * first connection (src/shared/output-paths.ts), and the end-of-run writes, each of which may fail
 * alone: the others are still written, in order (result.json first), and each failure is named.
 */
import { isRtbenchError, type RtbenchError } from '../shared/errors.ts';
import type { RunFile } from '../result/types.ts';
import type { Reporter } from './reporter.ts';
import { outputWriteError, probeOutputPaths, type OutputPath } from '../shared/output-paths.ts';

/** Every path a run writes to, with the flag that named it. */
export function runOutputPaths(o: { junit?: string | undefined; summaryMd?: string | undefined }, outDir: string, jsonFiles: readonly string[]): OutputPath[] {
  return [
    { flag: '--out', path: outDir, folder: true },
    ...(o.junit ? [{ flag: '--junit', path: o.junit }] : []),
    ...(o.summaryMd ? [{ flag: '--summary-md', path: o.summaryMd }] : []),
    ...jsonFiles.map((path) => ({ flag: '--output json=', path })),
  ];
}

/** Create and probe a run's output paths (`jsonFiles`: of `--output json=`): `E_OUTPUT` (exit 2) listing every one that cannot be written. */
export function checkRunOutputs(
  o: { junit?: string | undefined; summaryMd?: string | undefined },
  outDir: string,
  jsonFiles: readonly string[],
): Promise<void> {
  return probeOutputPaths(runOutputPaths(o, outDir, jsonFiles));
}

/**
 * The end of a run for each reporter, in order; a reporter that fails (a write after the load) does
 * not stop the others. Returns the failures (each an `E_OUTPUT` naming its path and the fix).
 */
export async function endReporters(reporters: readonly Reporter[], file: RunFile, ctx: { outDir: string }): Promise<RtbenchError[]> {
  const failures: RtbenchError[] = [];
  for (const r of reporters) {
    try {
      await r.onEnd?.(file, ctx);
    } catch (e) {
      failures.push(isRtbenchError(e) ? e : outputWriteError(`${ctx.outDir} (${r.name} reporter)`, e));
    }
  }
  return failures;
}
