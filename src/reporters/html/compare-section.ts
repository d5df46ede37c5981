import { DEFAULT_TOLERANCES, compareResults, verdictWord, type CompareRow, type Tolerances } from '../../compare/compare.ts';
import type { RunFile } from '../../result/types.ts';
import { runFigures, soleAckEvent, type LabeledRun } from './data.ts';
import { esc, htmlTable, ms, num, pct } from './format.ts';

/** Which run each run is compared with: across files, the first file's run of the same topology (or its only run); in one file, the first run. */
export function comparisonPairs(runs: LabeledRun[], files: RunFile[]): Array<{ base: LabeledRun; cur: LabeledRun }> {
  const pairs: Array<{ base: LabeledRun; cur: LabeledRun }> = [];
  if (files.length === 1) {
    for (const cur of runs.slice(1)) pairs.push({ base: runs[0]!, cur });
    return pairs;
  }
  const first = runs.filter((x) => x.fileIndex === 0);
  for (const cur of runs.filter((x) => x.fileIndex > 0)) {
    const base = first.find((b) => b.run.topology === cur.run.topology) ?? (first.length === 1 ? first[0] : undefined);
    if (base) pairs.push({ base, cur });
  }
  return pairs;
}

const delta = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio >= 1 ? '+' : '−'}${num(Math.abs(ratio - 1) * 100, 1)} %` : '∞');

/** The figure in its unit: latencies in ms, throughput in msgs/s. */
function value(subject: string, v: number): string {
  return subject === 'throughput' ? `${num(v, 1)} msgs/s` : ms(v);
}

/** Each compared pair with `compare`'s rows for it (figures in reading order: throughput, connect, ack, the rest). */
export interface ComparedPair {
  base: LabeledRun;
  cur: LabeledRun;
  rows: CompareRow[];
}

/**
 * Compare each pair exactly as `rtbench compare` does, with the same tolerances (default
 * `DEFAULT_TOLERANCES`, or the `--max` given), so the report and `compare` agree on the same files.
 * The one difference: the rows of a sole `ack:<event>` identical to `ack` on both sides are left out.
 */
export function comparePairs(runs: LabeledRun[], files: RunFile[], tolerances: Tolerances = DEFAULT_TOLERANCES): ComparedPair[] {
  const order = (s: string): number => (s === 'throughput' ? -1 : s.startsWith('connect.') ? 0 : s.startsWith('ack.') ? 1 : 2);
  return comparisonPairs(runs, files).map(({ base, cur }) => {
    // the pairs are chosen above: the topology check of `compare` is done by comparisonPairs
    const rows = compareResults({ ...base.file, runs: [base.run] }, { ...cur.file, runs: [cur.run] }, tolerances, { crossTopology: true });
    rows.sort((a, b) => order(a.subject) - order(b.subject) || a.subject.localeCompare(b.subject));
    // a single acked event whose figures are ack's on both sides: its rows would repeat ack's
    const sole = soleAckEvent(base.run);
    return { base, cur, rows: sole && sole === soleAckEvent(cur.run) ? rows.filter((r) => !r.subject.startsWith(`${sole}.`)) : rows };
  });
}

/**
 * The delta table that leads a comparison: each figure of B against A with `compare`'s
 * statistics and verdict words (bootstrap 95% interval over rounds when both sides have ≥ 3).
 */
export function deltaSection(pairs: ComparedPair[]): string {
  if (!pairs.length) return '';
  const blocks = pairs.map(({ base, cur, rows }) => {
    const fb = runFigures(base.run);
    const fc = runFigures(cur.run);
    const body = rows.map((r) => [
      `<code>${esc(r.subject)}</code>`,
      value(r.subject, r.baseline),
      value(r.subject, r.current),
      `<b>${delta(r.ratio)}</b>`,
      r.ci ? `${delta(r.ci.low)} … ${delta(r.ci.high)}` : '<span class="muted">single round: weak</span>',
      `<span class="muted">${delta(r.limit)}</span>`,
      `<span class="vd ${r.verdict}">${esc(verdictWord(r.verdict))}</span>`,
    ]);
    body.push([
      'sessions failed',
      `${num(fb.failed, 0)} (${pct(fb.started ? fb.failed / fb.started : 0)})`,
      `${num(fc.failed, 0)} (${pct(fc.started ? fc.failed / fc.started : 0)})`,
      '',
      '',
      '',
      '',
    ]);
    body.push(['error rate', pct(fb.errorRate, 2), pct(fc.errorRate, 2), '', '', '', '']);
    const weak = rows.some((r) => r.strength === 'weak');
    return `<h3>${esc(cur.label)} <span class="muted">vs</span> ${esc(base.label)}</h3>
${htmlTable(['figure', esc(base.label), esc(cur.label), 'delta', '95 % interval', 'limit', 'verdict'], body, 'num delta')}
<p class="muted">${weak ? 'Single-round figures: the verdict is weak (one run’s p99 moves by tens of percent on a shared machine); record rounds with <code>rtbench run --repeat 5</code> on both sides.' : 'Verdicts use per-round medians and a 95 % bootstrap interval, as <code>rtbench compare</code> does.'}</p>`;
  });
  return `<section id="deltas"><h2>What changed</h2>${blocks.join('')}</section>`;
}
