import type { RunFile } from '../result/types.ts';
import { NOT_MEASURED } from '../thresholds/evaluate.ts';
import { formatActual } from './console-summary.ts';

/**
 * One line for a run whose thresholds failed, printed even under `--quiet` (a CI log must say why
 * the job failed): the scenario, and each failed subject with its condition and measured figure
 * (and why, when the figure alone does not say: a biased trend, a check that never ran).
 * Null when every threshold passed.
 */
export function failedGateLine(file: RunFile): string | null {
  const failed = file.runs.flatMap((r) =>
    r.thresholds
      .filter((t) => !t.ok)
      .map(
        (t) =>
          `${file.runs.length > 1 ? `[${r.topology}] ` : ''}${t.subject} ${t.condition} (got ${formatActual(t.subject, t.actual, t.unit)}${t.note && t.note !== NOT_MEASURED ? `, ${t.note}` : ''})`,
      ),
  );
  return failed.length ? `rtbench: thresholds FAILED for ${file.scenario.name}: ${failed.join('; ')}` : null;
}
