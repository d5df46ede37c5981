import type { RunFile, RunResult } from '../result/types.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { formatActual, latencyLine, saturationLine, sequenceLine, sessionsLine } from './console-summary.ts';
import type { Reporter } from '../run/reporter.ts';
import { biasText, customView, declaredIn } from './custom.ts';
import { shownMessage } from '../metrics/errors.ts';
import { deliveryMarkdown } from './delivery.ts';
import type { MetricDeclarations } from '../metrics/declared.ts';

/** Escape text for a Markdown table cell. */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

const ms = (v: number | undefined): string => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(2));

function runMarkdown(r: RunResult, declared: MetricDeclarations | null): string[] {
  const failed = r.thresholds.filter((t) => !t.ok);
  const verdict =
    r.status !== 'completed' && !r.abortedBy ? `❌ run ${r.status}` : failed.length || r.abortedBy ? `❌ ${failed.length} threshold(s) failed` : '✅ passed';
  const lines = [`### ${mdEscape(r.topology)} — ${verdict}`, '', mdEscape(sessionsLine(r)), '', `**${mdEscape(latencyLine(r, declared))}**`, ''];
  const sat = saturationLine(r);
  if (sat) lines.push(`> ⚠️ ${mdEscape(sat.replace(/^!!! /, ''))}`, '');
  if (r.thresholds.length) {
    if (r.thresholdsOnPartialData) lines.push(`Thresholds on partial data (run ${r.status}):`, '');
    lines.push('| | threshold | measured |', '|---|---|---|');
    for (const t of r.thresholds)
      lines.push(
        `| ${t.ok ? '✅' : '❌'} | ${mdEscape(`${t.subject} ${t.condition}`)} | ${t.actual === null ? 'not measured' : mdEscape(formatActual(t.subject, t.actual, t.unit))}${t.note && t.actual !== null ? ` (${mdEscape(t.note)})` : ''} |`,
      );
    lines.push('');
  }
  lines.push('| metric | count | p50 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|');
  for (const [name, m] of Object.entries(r.metrics)) if (m.count) lines.push(`| ${mdEscape(name)} | ${m.count} | ${ms(m.p50)} | ${ms(m.p99)} | ${ms(m.max)} |`);
  lines.push(...customMarkdown(r, declared));
  const w = r.workers;
  if (Object.keys(w.connections).length)
    lines.push(
      '',
      `Workers: ${Object.entries(w.connections)
        .map(([k, v]) => `${mdEscape(k)} ${v}`)
        .join(', ')} (max/mean ${w.maxOverMean ?? '–'}, cv ${w.cv ?? '–'})`,
    );
  const seq = sequenceLine(r);
  if (seq) lines.push('', `Sequence: ${mdEscape(seq)}`);
  lines.push(...deliveryMarkdown(r, mdEscape));
  const errs = Object.entries(r.errors);
  lines.push('', errs.length ? 'Errors (messages grouped by shape, one real message shown each):' : 'Errors: 0');
  for (const [k, e] of errs)
    for (const m of e.messages ?? [{ message: e.sample, count: e.count }]) lines.push(`- ${mdEscape(k)} ×${m.count}: ${mdEscape(shownMessage(m))}`);
  return [...lines, ''];
}

/** Custom counters, checks and session kinds (custom trends are rows of the metric table). */
function customMarkdown(r: RunResult, declared: MetricDeclarations | null): string[] {
  const v = customView(r, declared);
  const out: string[] = [];
  for (const b of v.biased) out.push('', `⚠️ ${mdEscape(biasText(b))}`);
  if (v.counters.length) out.push('', `Counters: ${v.counters.map((c) => `${mdEscape(c.name)} ${c.count} (${+c.perSecond.toFixed(1)}/s)`).join(', ')}`);
  if (v.checks) {
    out.push(
      '',
      '| | check | passed | failed |',
      '|---|---|---:|---:|',
      `| ${v.checks.fail ? '❌' : '✅'} | all checks | ${v.checks.pass} | ${v.checks.fail} |`,
    );
    for (const c of v.checks.byName) out.push(`| ${c.fail ? '❌' : '✅'} | ${mdEscape(c.name)} | ${c.pass} | ${c.fail} |`);
  }
  if (v.kinds.length) {
    out.push('', '| session kind | started | completed | failed | p50 ms | p99 ms |', '|---|---:|---:|---:|---:|---:|');
    for (const k of v.kinds)
      out.push(`| ${mdEscape(k.name)} | ${k.started} | ${k.completed} | ${k.failed} | ${ms(k.duration?.p50)} | ${ms(k.duration?.p99)} |`);
  }
  return out;
}

/** Markdown for a CI step summary (e.g. `$GITHUB_STEP_SUMMARY`). Pure. */
export function renderMarkdown(file: RunFile): string {
  return [`## rtbench: ${mdEscape(file.scenario.name)}`, '', ...file.runs.flatMap((r) => runMarkdown(r, declaredIn(file)))].join('\n');
}

/** `--summary-md FILE`. */
export function markdownReporter(path: string): Reporter {
  return { name: 'markdown', onEnd: (file) => writeFileAtomic(path, renderMarkdown(file)) };
}
