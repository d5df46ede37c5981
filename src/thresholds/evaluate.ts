import { decode } from '../metrics/histogram.ts';
import type { RunResult, ThresholdResult } from '../result/types.ts';
import { CHECKS_FAIL, CHECKS_PASS, checkKey, isBuiltinTrend, negativeKey, rejectedKey } from '../metrics/names.ts';
import { didYouMean } from '../shared/suggest.ts';
import { subjectUnit, type Op, type Threshold } from './parse.ts';
import { deliveryValue } from './delivery.ts';

const cmp: Record<Op, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

/** The measured value a threshold talks about, or null when the run has no such figure. */
export function actualValue(t: Threshold, r: Pick<RunResult, 'metrics' | 'counters' | 'workers' | 'durationMs'>): number | null {
  const p = t.parsed;
  if (p.kind === 'latency') {
    const m = r.metrics[p.metric];
    if (!m || m.count === 0) return null;
    if (typeof p.stat === 'object') {
      if (p.stat.percentile === 50) return m.p50;
      if (p.stat.percentile === 90) return m.p90;
      if (p.stat.percentile === 99) return m.p99;
      // never above the recorded max (the summary's exact one; HDR gives a bucket's highest equivalent value)
      return Math.min(Math.round(decode(m.hdr).getValueAtPercentile(p.stat.percentile)) / 1000, m.max);
    }
    return m[p.stat];
  }
  const c = r.counters;
  if (p.kind === 'delivery') return deliveryValue(p, c);
  if (p.kind === 'counter') {
    const n = c[p.name] ?? 0;
    return p.stat === 'count' ? n : r.durationMs > 0 ? n / (r.durationMs / 1000) : 0;
  }
  if (p.kind === 'checks') {
    const pass = c[p.check === null ? CHECKS_PASS : checkKey(p.check, 'pass')] ?? 0;
    const fail = c[p.check === null ? CHECKS_FAIL : checkKey(p.check, 'fail')] ?? 0;
    if (p.check !== null && pass + fail === 0) return null; // a check that never ran (a misspelt name?) is not a pass of 0 failures
    if (p.stat === 'passed') return pass;
    if (p.stat === 'failed') return fail;
    if (pass + fail === 0) return null; // a rate of no checks is not a pass
    return (p.stat === 'failRate' ? fail : pass) / (pass + fail);
  }
  const started = c['sessions.started'] ?? 0;
  const msgs = (c['messages.sent'] ?? 0) + (c['messages.received'] ?? 0);
  switch (p.name) {
    case 'errors.count':
      return c.errors ?? 0;
    case 'errors.rate':
      return msgs + started > 0 ? (c.errors ?? 0) / (msgs + started) : 0;
    case 'sessions.failedRate':
      // every session that did not complete: failed, interrupted (cut off by the stop or the graceful-stop
      // deadline) or lost (on a generator that died); a rate of no sessions is not a pass
      return started > 0 ? ((c['sessions.failed'] ?? 0) + (c['sessions.interrupted'] ?? 0) + (c['sessions.lost'] ?? 0)) / started : null;
    case 'throughput':
      return r.durationMs > 0 ? msgs / (r.durationMs / 1000) : 0;
    case 'workers.imbalance':
      return r.workers.maxOverMean;
    case 'workers.cv':
      return r.workers.cv;
    case 'workers.maxShare':
      return r.workers.maxShare;
  }
}

/**
 * Why a latency figure cannot be trusted, or null: samples of a custom trend that were negative
 * (recorded as 0) or not finite (refused) make its distribution a biased one.
 */
export function biasNote(t: Threshold, counters: Record<string, number>): string | null {
  if (t.parsed.kind !== 'latency') return null;
  const m = t.parsed.metric;
  const negative = counters[negativeKey(m)] ?? 0;
  const rejected = counters[rejectedKey(m)] ?? 0;
  if (negative + rejected === 0) return null;
  const parts = m.startsWith('seq:')
    ? [
        ...(negative ? [`${negative} sentAt stamps ahead of this clock left out (\`${negativeKey(m)}\`; a sender's clock ahead of the generator's)`] : []),
        ...(rejected ? [`${rejected} sentAt stamps on no known clock refused (\`${rejectedKey(m)}\`; stamp with Date.now())`] : []),
      ]
    : [
        ...(negative
          ? [
              `${negative} negative samples recorded as 0 (\`${negativeKey(m)}\`; ${isBuiltinTrend(m) ? "the server's `ts` is not on rtbench's monotonic clock: stamped with Date.now()?" : "a server clock ahead of the generator's? subtract a skew margin or time on one clock"})`,
            ]
          : []),
        ...(rejected ? [`${rejected} non-finite samples refused (\`${rejectedKey(m)}\`)`] : []),
      ];
  return `biased: ${parts.join(', ')}; fails whatever its value`;
}

/** The note of a threshold whose figure the run did not have, when there is nothing more to say. */
export const NOT_MEASURED = 'not measured in this run';

const CHECK_COUNTER = /^check:(.+)\.(?:pass|fail)$/;

/**
 * Why a threshold has no figure. Checks are known only once they ran, so a `check:<name>`
 * subject whose check never ran is told here, with the nearest check name that did run.
 */
function missingNote(t: Threshold, counters: Record<string, number>): string {
  if (t.subject === 'sessions.failedRate') return 'no session started in this run';
  const p = t.parsed;
  if (p.kind !== 'checks' || p.check === null) return NOT_MEASURED;
  const ran = new Set<string>();
  for (const k of Object.keys(counters)) {
    const m = CHECK_COUNTER.exec(k);
    if (m) ran.add(m[1]!);
  }
  if (ran.size === 0) return `no check named \`${p.check}\` ran: no ctx.check() ran in this run`;
  const near = didYouMean(p.check, ran);
  if (near) return `no check named \`${p.check}\` ran (did you mean \`check:${near}.${p.stat}\`?)`;
  const names = [...ran].sort();
  return `no check named \`${p.check}\` ran; checks that ran: ${names
    .slice(0, 5)
    .map((n) => `\`${n}\``)
    .join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
}

/**
 * Evaluate thresholds on one run's merged result. A threshold whose figure is missing fails
 * (a gate must not pass because nothing was measured), and so does one on a trend with negative
 * or refused samples (`biasNote`): a gate must not pass on a biased subset. Failed ones come first.
 */
export function evaluateThresholds(thresholds: Threshold[], r: Pick<RunResult, 'metrics' | 'counters' | 'workers' | 'durationMs'>): ThresholdResult[] {
  const out = thresholds.map((t): ThresholdResult => {
    const actual = actualValue(t, r);
    const bias = biasNote(t, r.counters);
    const ok = actual !== null && bias === null && cmp[t.op](actual, t.value);
    const note = actual === null ? missingNote(t, r.counters) : bias;
    return { subject: t.subject, condition: t.condition, actual, unit: subjectUnit(t.parsed), ok, abortOnFail: t.abortOnFail, ...(note ? { note } : {}) };
  });
  return [...out.filter((x) => !x.ok), ...out.filter((x) => x.ok)];
}
