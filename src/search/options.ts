import { parseDuration } from '../shared/duration.ts';
import type { SearchBlock } from '../scenario/types.ts';
import type { SearchOptions } from '../result/types.ts';

/** The search's options: the block's fields, `--duration` as the step, defaults for the rest. */
export function resolveSearchOptions(block: SearchBlock | null, defaults: { fromRate: number }, stepOverrideMs: number | null): SearchOptions {
  const b = block ?? {};
  return {
    fromRate: b.from ?? defaults.fromRate,
    maxRate: b.maxRate ?? 100_000,
    factor: b.factor ?? 2,
    precision: b.precision ?? 0.05,
    stepMs: stepOverrideMs ?? parseDuration(b.step ?? '10s') ?? 10_000,
    maxSteps: b.maxSteps ?? 16,
  };
}
