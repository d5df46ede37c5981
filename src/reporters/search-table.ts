import type { SearchResult, SearchStep } from '../result/types.ts';
import { table } from '../util/table.ts';

const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The figure of a threshold at a step, in its own unit. */
function cell(step: SearchStep, subject: string): string {
  const t = step.thresholds.find((x) => x.subject === subject);
  if (!t || t.actual === null) return '-';
  // the threshold's own unit (`checks.failRate` is a fraction, not ms); results without one: by its name
  const unit =
    t.unit ?? (/rate$|maxShare$/i.test(subject) ? 'fraction' : /^(errors|sessions|throughput|workers)\.|^throughput$|\.count$/.test(subject) ? 'number' : 'ms');
  const shown =
    unit === 'fraction' ? `${fmt(t.actual * 100)}%` : unit === 'ms' ? `${fmt(t.actual)}ms` : unit === 'perSecond' ? `${fmt(t.actual)}/s` : fmt(t.actual);
  return `${shown}${t.ok ? '' : ' ✗'}`;
}

/** One search as a latency-vs-rate table (one row per step, in the order run) and its verdict. Pure. */
export function formatSearch(s: SearchResult): string {
  const subjects = [...new Set(s.steps.flatMap((st) => st.thresholds.map((t) => t.subject)))];
  const rows: string[][] = [['step', 'rate/s', 'sessions/s', 'msgs/s', ...subjects, 'generator', 'verdict']];
  s.steps.forEach((st, i) => {
    rows.push([
      `${i + 1}${st.retry ? ' (retry)' : ''}`,
      fmt(st.rate),
      fmt(st.sessionsPerSec),
      fmt(st.msgsPerSec),
      ...subjects.map((sub) => cell(st, sub)),
      st.generator === 'ok' ? 'ok' : st.generator === 'host' ? 'host busy' : 'SATURATED',
      st.status !== 'completed' ? st.status : st.passed ? 'held' : 'failed',
    ]);
  });
  const head = `capacity search · ${s.topology} · SLO: ${s.slo.join(', ') || '(none)'} · steps of ${s.options.stepMs / 1000}s, ×${s.options.factor} then bisect to ${s.options.precision * 100}%`;
  const answer =
    s.maxRate === null ? 'no rate held the SLO' : `max ${s.lowerBound ? '≥ ' : ''}${fmt(s.maxRate)} sessions/s (${fmt(s.maxMsgsPerSec ?? 0)} msgs/s)`;
  return `${head}\n${table(rows)}\n  ${s.lowerBound ? '!!! ' : ''}${answer}: ${s.verdict}\n`;
}
