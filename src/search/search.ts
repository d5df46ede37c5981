/**
 * Capacity search: the highest offered open-model rate at which a scenario holds its SLO (its
 * thresholds). It raises the rate by `factor` while steps hold, then bisects between the highest
 * rate that held and the lowest that failed until they are within `precision`.
 *
 * A step that fails while the generator was saturated (or the host busy) may say nothing about the
 * server: it is run once more. If it fails that way again, the search never goes above it, bisects
 * below it, and the figure it ends with is marked a lower bound (unless a later failure below it was
 * clearly the server's). A failure whose latencies missed the SLO by more than the generator's own
 * delay could add is the server's even when the generator was flagged. A step that holds under a
 * saturated generator still counts (harness delay only adds latency). This module runs nothing
 * itself: `runStep` runs one step.
 */
import type { RunResult, SearchLimit, SearchOptions, SearchResult, SearchStep } from '../result/types.ts';

export type StepRunner = (rate: number) => Promise<RunResult>;

/** Rates are kept to two decimals (sessions/s). */
const round2 = (x: number): number => Math.round(x * 100) / 100;
/** No step below this rate (sessions/s). */
const MIN_RATE = 0.1;

/** Search one topology; `onStep` hears of every step as it ends. */
export async function findMax(
  topology: string,
  o: SearchOptions,
  slo: string[],
  runStep: StepRunner,
  onStep: (s: SearchStep) => void = () => {},
): Promise<SearchResult> {
  const steps: SearchStep[] = [];
  let lo: number | null = null;
  let hi: number | null = null;
  /** `hiFlag`: the failure at `hi` came with a saturated generator or a busy host (twice), not clearly from the server. */
  const state: { stop: SearchLimit | null; hiFlag: 'generator' | 'host' | null; lastFlag: 'generator' | 'host' | null } = {
    stop: null,
    hiFlag: null,
    lastFlag: null,
  };

  /** Run `rate` (and retry a failure under a saturated generator once); true when it held. */
  const attempt = async (rate: number): Promise<boolean> => {
    state.lastFlag = null;
    for (const retry of [false, true]) {
      if (steps.length >= o.maxSteps) {
        state.stop = 'max-steps';
        return false;
      }
      const step = toStep(rate, await runStep(rate), retry, o.stepMs);
      steps.push(step);
      onStep(step);
      if (step.passed) return true;
      if (step.status === 'interrupted') {
        state.stop = 'run-failed';
        return false;
      }
      if (step.generator === 'ok' || step.beyondHarness) return false;
      if (retry) state.lastFlag = step.generator;
    }
    return false;
  };
  /** The step that failed at `hi` (its own generator verdict words the result). */
  let hiStep: SearchStep | null = null;
  const failedAt = (rate: number): void => {
    hi = rate;
    state.hiFlag = state.lastFlag;
    hiStep = steps[steps.length - 1] ?? null;
  };

  let rate = round2(Math.min(o.fromRate, o.maxRate));
  // raise while it holds
  for (;;) {
    const held = await attempt(rate);
    if (state.stop) break;
    if (!held) {
      if (!state.stop) failedAt(rate);
      break;
    }
    lo = rate;
    if (rate >= o.maxRate) {
      state.stop = 'rate-cap';
      break;
    }
    rate = round2(Math.min(o.maxRate, rate * o.factor));
  }
  // the first rate already failed: go down until one holds
  while (!state.stop && lo === null && hi !== null) {
    rate = round2(hi / o.factor);
    if (rate < MIN_RATE) {
      state.stop = 'below-min';
      break;
    }
    if (await attempt(rate)) lo = rate;
    else if (!state.stop) failedAt(rate);
  }
  // bisect
  while (!state.stop && lo !== null && hi !== null && (hi - lo) / lo > o.precision) {
    const mid = round2((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;
    if (await attempt(mid)) lo = mid;
    else if (!state.stop) failedAt(mid);
  }
  // a failure above the figure that the generator (or the host) may explain: the figure is a lower bound
  const limit: SearchLimit = state.stop ?? state.hiFlag ?? 'server';
  const best = lo === null ? null : [...steps].reverse().find((s) => s.passed && s.rate === lo)!;
  return {
    topology,
    options: o,
    slo,
    steps,
    maxRate: lo,
    maxMsgsPerSec: best ? best.msgsPerSec : null,
    failedAt: hi,
    limit,
    lowerBound: limit === 'generator' || limit === 'host' || limit === 'rate-cap',
    verdict: verdictOf(limit, lo, hi, hiStep),
  };
}

function verdictOf(limit: SearchLimit, lo: number | null, hi: number | null, failed: SearchStep | null): string {
  const held = lo === null ? 'no rate held' : `${lo}/s held`;
  switch (limit) {
    case 'server': {
      // the failing step's own generator: healthy, or flagged but missing the SLO by more than its delay explains
      const how =
        !failed || failed.generator === 'ok'
          ? 'with a healthy generator'
          : `by more than the harness's own delay could explain (the generator was flagged: ${failed.generator === 'host' ? 'host busy' : 'saturated'})`;
      return `${held}, ${hi}/s failed the SLO ${how}: the server's capacity under this SLO is between them`;
    }
    case 'generator':
      return `the step above it (${hi}/s) failed twice with the generator saturated, so the server may not have been the limit: ${held}, a LOWER BOUND of the server's capacity (use more generator cores or machines)`;
    case 'host':
      return `the step above it (${hi}/s) failed twice while the host was busy, so the failure says little about the server: ${held}, a LOWER BOUND`;
    case 'rate-cap':
      return `every step up to the rate cap held: ${held}, a LOWER BOUND (raise \`search.maxRate\`)`;
    case 'max-steps':
      return `the step budget ran out before the bisection closed: ${held}${hi !== null ? `, ${hi}/s failed` : ''}`;
    case 'below-min':
      return `even ${MIN_RATE}/s failed the SLO: check the thresholds and the server`;
    case 'run-failed':
      return `a step did not complete (interrupted): ${held}`;
  }
}

/**
 * Did the step miss its latency thresholds by more than the harness itself could have added? A
 * saturated generator delays operations by about its event-loop delay, and starts sessions late
 * by the schedule lag: latencies beyond the limit by more than both are the server's. Thresholds
 * that are not latencies (error rates, counts) cannot be told apart: false.
 */
function beyondHarness(r: RunResult): boolean {
  const failed = r.thresholds.filter((t) => !t.ok);
  const harnessMs = Math.max(0, ...r.generator.processes.map((g) => g.loopDelayP99)) + (r.metrics.lag?.p99 ?? 0);
  return (
    failed.length > 0 &&
    failed.every((t) => {
      const m = /^\s*<=?\s*([\d.]+)\s*(ms|s)?\s*$/.exec(t.condition);
      const metric = t.subject.slice(0, t.subject.lastIndexOf('.'));
      if (!m || t.actual === null || !r.metrics[metric]) return false;
      const limitMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
      return t.actual - limitMs > harnessMs;
    })
  );
}

/**
 * The step's verdict and the figures of its table row. Rates are per second of the step itself
 * (`stepMs`): its sessions start only then; the drain after it (sessions finishing) is not load offered.
 */
export function toStep(rate: number, r: RunResult, retry: boolean, stepMs: number = r.durationMs): SearchStep {
  const secs = stepMs > 0 ? Math.min(stepMs, r.durationMs > 0 ? r.durationMs : stepMs) / 1000 : 1;
  const c = r.counters as Record<string, number | undefined>;
  const sat = r.generator.saturation as { saturated: boolean; verdict?: 'ok' | 'generator' | 'host' };
  const generator = sat.verdict ?? (sat.saturated ? 'generator' : 'ok');
  const names = new Set(['ack', 'connect', ...r.thresholds.map((t) => t.subject.slice(0, t.subject.lastIndexOf('.')))]);
  const latency: SearchStep['latency'] = {};
  for (const n of names) {
    const m = r.metrics[n];
    if (m && m.count > 0) latency[n] = { p50: m.p50, p99: m.p99 };
  }
  const passed = r.status === 'completed' && !r.abortedBy && r.thresholds.every((t) => t.ok);
  return {
    rate,
    passed,
    beyondHarness: !passed && beyondHarness(r),
    retry,
    status: r.status,
    generator,
    sessionsPerSec: round2((c['sessions.started'] ?? 0) / secs),
    msgsPerSec: round2(((c['messages.sent'] ?? 0) + (c['messages.received'] ?? 0)) / secs),
    thresholds: r.thresholds,
    latency,
    result: r,
  };
}
