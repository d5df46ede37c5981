import { searchSection } from './search-section.ts';
import { faultRows } from '../faults-table.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { saturationLine, sessionsLine } from '../console-summary.ts';
import type { RunFile, RunResult } from '../../result/types.ts';
import { chartData, redactDeep } from './data.ts';
import { customView } from '../custom.ts';

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | null | undefined, d = 2): string => (v === null || v === undefined ? '–' : esc(+v.toFixed(d)));

/** The page's static assets: uPlot's script and CSS, and our drawing script (read once per render). */
function assets(): { uplotJs: string; uplotCss: string; clientJs: string } {
  const require = createRequire(import.meta.url);
  const dist = require.resolve('uplot/dist/uPlot.iife.min.js');
  return {
    uplotJs: readFileSync(dist, 'utf8'),
    uplotCss: readFileSync(dist.replace('uPlot.iife.min.js', 'uPlot.min.css'), 'utf8'),
    clientJs: readFileSync(new URL('./client.js', import.meta.url), 'utf8'),
  };
}

const sha = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

function verdict(r: RunResult): string {
  const failed = r.thresholds.filter((t) => !t.ok);
  const parts: string[] = [];
  // sessions first: a run whose sessions failed must not open on a green line
  parts.push(`<div class="${(r.counters['sessions.failed'] ?? 0) > 0 ? 'bad' : 'good'}">${esc(sessionsLine(r))}</div>`);
  if (r.status !== 'completed') parts.push(`<div class="bad">Run ${esc(r.status)}${r.failure ? `: ${esc(r.failure.message)}` : ''}${r.abortedBy ? ` — stopped by threshold ${esc(r.abortedBy)}` : ''}</div>`);
  const partial = r.thresholdsOnPartialData ? ` on partial data (run ${r.status})` : '';
  if (r.thresholds.length) parts.push(failed.length ? `<div class="bad">Thresholds FAILED${esc(partial)}: ${failed.length} of ${r.thresholds.length}</div>` : `<div class="${partial ? 'bad' : 'good'}">Thresholds passed${esc(partial)} (${r.thresholds.length})</div>`);
  const sat = saturationLine(r);
  if (sat) parts.push(`<div class="bad">${esc(sat.replace(/^!!! /, ''))}</div>`);
  if (r.thresholds.length) {
    parts.push(`<table><tr><th></th><th>threshold</th><th>measured</th></tr>${r.thresholds
      .map((t) => `<tr class="${t.ok ? 'ok' : 'fail'}"><td>${t.ok ? '✔' : '✘'}</td><td>${esc(`${t.subject} ${t.condition}`)}</td><td>${t.actual === null ? 'not measured' : num(t.actual, 4)}</td></tr>`)
      .join('')}</table>`);
  }
  return parts.join('\n');
}

function metricsTable(r: RunResult): string {
  const rows = Object.entries(r.metrics).filter(([, m]) => m.count);
  return `<table><tr><th>metric (ms)</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>${rows
    .map(([k, m]) => `<tr><td>${esc(k)}</td><td>${m.count}</td><td>${num(m.p50)}</td><td>${num(m.p90)}</td><td>${num(m.p99)}</td><td>${num(m.p999)}</td><td>${num(m.max)}</td></tr>`)
    .join('')}</table>`;
}

/** Custom counters, checks and session kinds (custom trends are rows of the metric table and have curves). */
function customSection(r: RunResult): string {
  const v = customView(r);
  const parts: string[] = [];
  if (v.counters.length) parts.push(`<p>Counters: ${v.counters.map((c) => `${esc(c.name)} ${c.count} (${num(c.perSecond, 1)}/s)`).join(' · ')}</p>`);
  if (v.checks) {
    const row = (name: string, pass: number, fail: number): string => `<tr class="${fail ? 'fail' : 'ok'}"><td>${fail ? '✘' : '✔'} ${esc(name)}</td><td>${pass}</td><td>${fail}</td><td>${num((100 * fail) / Math.max(1, pass + fail))}%</td></tr>`;
    parts.push(`<table><tr><th>check</th><th>passed</th><th>failed</th><th>failed %</th></tr>${row('all checks', v.checks.pass, v.checks.fail)}${v.checks.byName.map((c) => row(c.name, c.pass, c.fail)).join('')}</table>`);
  }
  if (v.kinds.length) {
    parts.push(`<table><tr><th>session kind</th><th>started</th><th>completed</th><th>failed</th><th>p50 ms</th><th>p99 ms</th></tr>${v.kinds
      .map((k) => `<tr><td>${esc(k.name)}</td><td>${k.started}</td><td>${k.completed}</td><td>${k.failed}</td><td>${num(k.duration?.p50)}</td><td>${num(k.duration?.p99)}</td></tr>`)
      .join('')}</table>`);
  }
  return parts.length ? `<h3>Custom metrics, checks and session kinds</h3>\n${parts.join('\n')}` : '';
}

/** The fault timeline and what each fault cost (same rows as the console). */
function faultsSection(r: RunResult): string {
  const [head, ...rows] = faultRows(r.faults!);
  const notes = r.faults!.faults.filter((f) => f.error || f.note).map((f) => `<li${f.error ? ' class="bad"' : ''}>${esc(f.label)}: ${esc(f.error ?? f.note ?? '')}</li>`);
  return `<h3>Faults</h3>
<p>Each window runs from its fault to the next one. Ack p99 before the first fault: ${num(r.faults!.baselineAckP99)} ms.</p>
<table><tr>${head!.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>
${notes.length ? `<ul>${notes.join('')}</ul>` : ''}`;
}

function runSection(r: RunResult, i: number): string {
  const w = r.workers;
  const errors = Object.entries(r.errors);
  const gens = r.generator.processes;
  return `<section class="run">
<h2>${esc(r.topology)} <small>${esc(r.target)} · ${esc(r.engine)} · ${num(r.durationMs / 1000, 1)} s</small></h2>
${verdict(r)}
<div class="chart" id="curve-${i}"></div>
${metricsTable(r)}
${customSection(r)}
<div class="chart" id="tp-${i}"></div><div class="chart" id="lat-${i}"></div><div class="chart" id="conn-${i}"></div>
<h3>Worker distribution</h3>
<div class="chart" id="workers-${i}"></div>
<p>max/mean ${num(w.maxOverMean, 3)} · cv ${num(w.cv, 3)} · busiest worker ${w.maxShare === null ? '–' : `${num(w.maxShare * 100, 1)}%`} · chi-square p ${w.chiSquare ? esc(w.chiSquare.pValue.toExponential(2)) : '–'} · stickiness ${w.stickiness === null ? '–' : `${num(w.stickiness * 100, 1)}%`}${w.unidentified ? ` · ${w.unidentified} unidentified` : ''}</p>
${r.server?.mismatches.length ? `<p class="bad">Server/client mismatch: ${esc(r.server.mismatches.join('; '))}</p>` : ''}
${r.faults ? faultsSection(r) : ''}
${r.crashedGenerators?.length ? `<p class="bad">Generator crashed: ${esc(r.crashedGenerators.join('; '))} (its figures up to its last report are included)</p>` : ''}
<h3>Errors</h3>
${errors.length ? `<table><tr><th>kind</th><th>count</th><th>sample</th></tr>${errors.map(([k, e]) => `<tr><td>${esc(k)}</td><td>${e.count}</td><td>${esc(e.sample)}</td></tr>`).join('')}</table>` : '<p>none</p>'}
<h3>Generator health</h3>
<table><tr><th>#</th><th>cpu mean / max %</th><th>seconds &gt; 85%</th><th>loop delay p99 / max ms</th><th>GC total / max ms</th><th>RSS max MB</th><th>peak clients</th></tr>${gens
    .map((g) => `<tr><td>${g.index}</td><td>${num(g.cpuMean, 0)} / ${num(g.cpuMax, 0)}</td><td>${g.cpuHotSeconds}</td><td>${num(g.loopDelayP99, 1)} / ${num(g.loopDelayMax, 1)}</td><td>${num(g.gcPauseTotal, 0)} / ${num(g.gcPauseMax, 1)}</td><td>${num(g.rssMaxMb, 0)}</td><td>${g.peakClients}</td></tr>`)
    .join('')}</table>
</section>`;
}

function sideBySide(runs: RunResult[]): string {
  if (runs.length < 2) return '';
  return `<section><h2>Side by side</h2><table><tr><th>run</th><th>status</th><th>connect p99</th><th>ack p99</th><th>broadcast p99</th><th>errors</th><th>workers</th><th>max/mean</th><th>cv</th><th>busiest</th></tr>${runs
    .map((r) => `<tr><td>${esc(r.topology)}</td><td>${esc(r.status)}</td><td>${num(r.metrics.connect?.p99)}</td><td>${num(r.metrics.ack?.p99)}</td><td>${num(r.metrics.broadcast?.p99)}</td><td>${r.counters.errors ?? 0}</td><td>${Object.keys(r.workers.connections).length}</td><td>${num(r.workers.maxOverMean, 3)}</td><td>${num(r.workers.cv, 3)}</td><td>${r.workers.maxShare === null ? '–' : `${num(r.workers.maxShare * 100, 1)}%`}</td></tr>`)
    .join('')}</table></section>`;
}

/**
 * One self-contained, offline HTML report for one or more results (several = a comparison).
 * Everything from users is escaped; URLs with credentials or tokens are redacted; a
 * Content-Security-Policy allows only this page's own scripts (by hash).
 */
export function renderHtml(input: RunFile[]): string {
  const files = input.map((f) => redactDeep(f));
  const { uplotJs, uplotCss, clientJs } = assets();
  const runs = files.flatMap((f) => f.runs);
  const data = JSON.stringify({ runs: chartData(files) }).replace(/</g, '\\u003c');
  const csp = `default-src 'none'; script-src ${sha(uplotJs)} ${sha(clientJs)}; style-src 'unsafe-inline'; img-src data:`;
  const title = files.length > 1 ? `rtbench comparison: ${files.map((f) => f.scenario.name).join(' vs ')}` : `rtbench: ${files[0]?.scenario.name ?? ''}`;
  const env = files[0]?.environment;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${uplotCss}
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#111;padding:0 12px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
.bad{background:#fee2e2;color:#991b1b;padding:6px 10px;margin:6px 0;font-weight:600}.good{background:#dcfce7;color:#166534;padding:6px 10px;margin:6px 0}
tr.fail td{color:#991b1b;font-weight:600}.chart{margin:12px 0}small{color:#666;font-weight:normal}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${files.map((f) => `${esc(f.scenario.file)} · ${esc(f.createdAt)}`).join('<br>')}</p>
${files.map(searchSection).join('\n')}
${sideBySide(runs)}
${runs.map(runSection).join('\n')}
<section><h2>Environment and scenario</h2>
<p>rtbench ${esc(env?.rtbench ?? '')} · Node ${esc(env?.node ?? '')} · ${esc(env?.cpus.model ?? '')} × ${env?.cpus.count ?? ''} · ${env?.memoryGb ?? ''} GB · git ${esc(env?.gitSha ?? 'n/a')}</p>
${files.map((f) => `<pre>${esc(JSON.stringify(f.scenario.options, null, 2))}</pre>`).join('\n')}
</section>
<script type="application/json" id="rtbench-data">${data}</script>
<script>${uplotJs}</script>
<script>${clientJs}</script>
</body></html>
`;
}
