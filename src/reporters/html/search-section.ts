import type { RunFile, SearchResult } from '../../result/types.ts';

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

const W = 640;
const H = 260;
const PAD = { l: 56, r: 16, t: 12, b: 36 };
const COLORS = ['#2563eb', '#d97706', '#7c3aed', '#0891b2'];

/** The latency thresholds of a search (`metric.pNN < X ms`): the series of its chart, with their limits. */
function latencySeries(s: SearchResult): Array<{ subject: string; limitMs: number | null }> {
  const subjects = [...new Set(s.steps.flatMap((st) => st.thresholds.map((t) => t.subject)))];
  return subjects
    .filter((sub) =>
      s.steps.some((st) => st.thresholds.some((t) => t.subject === sub && t.actual !== null && st.result.metrics[sub.slice(0, sub.lastIndexOf('.'))])),
    )
    .map((subject) => {
      const cond = s.steps.flatMap((st) => st.thresholds).find((t) => t.subject === subject)?.condition ?? '';
      const m = /^\s*<=?\s*([\d.]+)\s*(ms|s)?\s*$/.exec(cond);
      return { subject, limitMs: m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : null };
    });
}

/**
 * Latency vs offered rate, one point per step (filled: held, hollow: failed), one series per
 * latency threshold, its limit dashed; log latency axis. Inline SVG drawn here (no script).
 */
function chart(s: SearchResult): string {
  const series = latencySeries(s);
  if (series.length === 0 || s.steps.length === 0) return '';
  const points = series.map((se) =>
    s.steps.flatMap((st) => {
      const t = st.thresholds.find((x) => x.subject === se.subject);
      return t && t.actual !== null && t.actual > 0 ? [{ x: st.rate, y: t.actual, ok: st.passed }] : [];
    }),
  );
  const ys = [...points.flat().map((p) => p.y), ...series.flatMap((se) => (se.limitMs ? [se.limitMs] : []))];
  const xMax = Math.max(...s.steps.map((st) => st.rate)) * 1.08;
  const yLo = Math.max(0.01, Math.min(...ys) / 1.5);
  const yHi = Math.max(...ys) * 1.5;
  const X = (x: number): number => PAD.l + (x / xMax) * (W - PAD.l - PAD.r);
  const Y = (y: number): number => PAD.t + (1 - (Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * (H - PAD.t - PAD.b);
  const yTicks: number[] = [];
  for (let e = Math.floor(Math.log10(yLo)); e <= Math.ceil(Math.log10(yHi)); e++)
    for (const k of [1, 3]) if (k * 10 ** e >= yLo && k * 10 ** e <= yHi) yTicks.push(k * 10 ** e);
  const xTicks = Array.from({ length: 5 }, (_, i) => (xMax / 1.08) * ((i + 1) / 5));
  const parts: string[] = [`<rect x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${H - PAD.t - PAD.b}" fill="none" stroke="#ccc"/>`];
  for (const t of yTicks)
    parts.push(
      `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(t)}" y2="${Y(t)}" stroke="#eee"/><text x="${PAD.l - 6}" y="${Y(t) + 4}" font-size="11" text-anchor="end" fill="#555">${fmt(t)} ms</text>`,
    );
  for (const t of xTicks) parts.push(`<text x="${X(t)}" y="${H - PAD.b + 16}" font-size="11" text-anchor="middle" fill="#555">${fmt(t)}</text>`);
  parts.push(`<text x="${(PAD.l + W - PAD.r) / 2}" y="${H - 4}" font-size="12" text-anchor="middle" fill="#333">offered rate (sessions/s)</text>`);
  if (s.maxRate !== null)
    parts.push(`<line x1="${X(s.maxRate)}" x2="${X(s.maxRate)}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="#16a34a" stroke-dasharray="2 3"/>`);
  series.forEach((se, i) => {
    const c = COLORS[i % COLORS.length]!;
    if (se.limitMs) parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(se.limitMs)}" y2="${Y(se.limitMs)}" stroke="${c}" stroke-dasharray="6 4"/>`);
    const pts = [...points[i]!].sort((a, b) => a.x - b.x);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts)
      parts.push(
        `<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="4" stroke="${c}" stroke-width="2" fill="${p.ok ? c : '#fff'}"><title>${fmt(p.x)}/s: ${esc(se.subject)} ${fmt(p.y)} ms (${p.ok ? 'held' : 'failed'})</title></circle>`,
      );
    parts.push(
      `<text x="${PAD.l + 8}" y="${PAD.t + 16 + i * 14}" font-size="12" fill="${c}">${esc(se.subject)}${se.limitMs ? ` (limit ${fmt(se.limitMs)} ms, dashed)` : ''}</text>`,
    );
  });
  return `<svg class="search-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="latency vs offered rate">${parts.join('')}</svg>`;
}

function table(s: SearchResult): string {
  const subjects = [...new Set(s.steps.flatMap((st) => st.thresholds.map((t) => t.subject)))];
  const head = `<tr><th>step</th><th>rate/s</th><th>sessions/s</th><th>msgs/s</th>${subjects.map((x) => `<th>${esc(x)}</th>`).join('')}<th>generator</th><th>verdict</th></tr>`;
  const rows = s.steps.map((st, i) => {
    const cells = subjects.map((sub) => {
      const t = st.thresholds.find((x) => x.subject === sub);
      return `<td>${t?.actual === null || t === undefined ? '–' : esc(fmt(t.actual))}${t && !t.ok ? ' ✗' : ''}</td>`;
    });
    return `<tr${st.passed ? '' : ' class="fail"'}><td>${i + 1}${st.retry ? ' (retry)' : ''}</td><td>${fmt(st.rate)}</td><td>${fmt(st.sessionsPerSec)}</td><td>${fmt(st.msgsPerSec)}</td>${cells.join('')}<td>${esc(st.generator)}</td><td>${st.status !== 'completed' ? esc(st.status) : st.passed ? 'held' : 'failed'}</td></tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

/** The capacity search of a result (`--find-max`): per topology the figure, the verdict, a latency-vs-rate chart and every step. Empty without a search. */
export function searchSection(file: RunFile): string {
  if (!file.search?.length) return '';
  return file.search
    .map((s) => {
      const answer =
        s.maxRate === null ? 'no rate held the SLO' : `max ${s.lowerBound ? '≥ ' : ''}${fmt(s.maxRate)} sessions/s (${fmt(s.maxMsgsPerSec ?? 0)} msgs/s)`;
      return `<section class="search"><h2>Capacity search · ${esc(s.topology)}</h2>
<div class="${s.lowerBound || s.maxRate === null ? 'bad' : 'good'}">${esc(answer)}: ${esc(s.verdict)}</div>
<p>SLO: ${esc(s.slo.join(', '))} · steps of ${fmt(s.options.stepMs / 1000)} s from ${fmt(s.options.fromRate)}/s, ×${fmt(s.options.factor)} while holding, then bisection to ${fmt(s.options.precision * 100)}%</p>
${chart(s)}
${table(s)}</section>`;
    })
    .join('\n');
}
