import type { Reporter } from './reporter.ts';
import { evaluateThresholds } from '../thresholds/evaluate.ts';
import type { Threshold } from '../thresholds/parse.ts';

/**
 * The thresholds with `abortOnFail`, as a consumer of the run's stream: each tick it evaluates
 * them on the figures so far and calls `onFail` once, with the first that fails on a measured
 * value. Null when no threshold has `abortOnFail` (then the figures are never merged mid-run).
 */
export function abortWatcher(thresholds: Threshold[], onFail: (why: string) => void): Reporter | null {
  const live = thresholds.filter((t) => t.abortOnFail);
  if (live.length === 0) return null;
  let fired = false;
  return {
    name: 'abortOnFail',
    onTick(tick) {
      if (fired) return;
      const bad = evaluateThresholds(live, tick.figures()).find((r) => !r.ok && r.actual !== null);
      if (!bad) return;
      fired = true;
      onFail(`${bad.subject} ${bad.condition} (was ${bad.actual})`);
    },
  };
}
