import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Tolerances } from '../../compare/compare.ts';
import type { RunFile } from '../../result/types.ts';
import { comparePairs, deltaSection } from './compare-section.ts';
import { chartRun, customSeries, labelRuns, type LabeledRun } from './data.ts';
import { redactDeep, showQueryNames } from '../../util/redact.ts';
import { esc, num } from './format.ts';
import { deliverySection } from './delivery-section.ts';
import {
  card,
  customSection,
  countersTable,
  environmentSection,
  errorsTable,
  faultsSection,
  healthTable,
  metricsTable,
  thresholdsTable,
  verdict,
  workersText,
} from './sections.ts';
import { STYLES } from './styles.ts';
import { searchSection } from './search-section.ts';

/** How a report is labelled and judged. */
export interface HtmlOptions {
  /** The result files' paths: runs are labelled by file name when topology and target do not tell them apart. */
  sources?: string[];
  /** Names that lead each file's labels (e.g. `A`, `B` for `rtbench ab`). */
  names?: string[];
  /** Tolerances of the delta table (default: `compare`'s; `--max`). */
  tolerances?: Tolerances;
}

/** The panels of the custom metrics' time series (client.js draws into them): trends' p99, counters and checks per second. */
function customPanels(ts: RunFile['runs'][number]['timeseries']): string {
  const c = customSeries(ts);
  if (!c) return '';
  const trends = Object.keys(c.trendsP99).length > 0 ? '<div class="panel"><div class="chart" id="ts-custom-trends"></div></div>' : '';
  const counts = Object.keys(c.counters).length > 0 || c.checks ? '<div class="panel"><div class="chart" id="ts-custom-counts"></div></div>' : '';
  return trends + counts;
}

/** One colour per run, well apart in hue (blue, orange, green, purple, red, teal). */
const RUN_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777'];

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

function runDetails(x: LabeledRun, i: number, open: boolean): string {
  const r = x.run;
  const body = `${thresholdsTable(r)}
${metricsTable(r)}
${customSection(x)}
${countersTable(r)}
${errorsTable(r)}
<h3>Workers</h3>${workersText(r)}${Object.keys(r.workers.connections).length > 1 ? `<div class="panel"><div class="chart" id="workers-${i}"></div></div>` : ''}
${faultsSection(r)}
${deliverySection(r)}
${healthTable(r)}`;
  return `<section class="run" id="run-${i}"><details${open ? ' open' : ''}><summary>${esc(x.label)} <span class="muted">· ${esc(r.status)} · ${num(r.durationMs / 1000, 1)} s</span></summary>${body}</details></section>`;
}

/**
 * One self-contained, offline HTML report for one or more results (several = a comparison:
 * overlaid curves and a delta table first). Everything from users is escaped; URLs with
 * credentials or tokens are redacted; a Content-Security-Policy allows only this page's own
 * scripts (by hash).
 */
export function renderHtml(input: RunFile[], opts: HtmlOptions = {}): string {
  const files = input.map((f) => redactDeep(f, showQueryNames(f.showQuery)));
  const { uplotJs, uplotCss, clientJs } = assets();
  const runs = labelRuns(files, opts.sources, opts.names);
  const colors = runs.map((_, i) => RUN_COLORS[i % RUN_COLORS.length]!);
  const chart = runs.map((x, i) => ({ ...chartRun(x), color: colors[i] }));
  const data = JSON.stringify({ runs: chart }).replace(/</g, '\\u003c');
  const csp = `default-src 'none'; script-src ${sha(uplotJs)} ${sha(clientJs)}; style-src 'unsafe-inline'; img-src data:`;
  const multi = runs.length > 1;
  const pairs = multi ? comparePairs(runs, files, opts.tolerances) : [];
  const names = [...new Set(files.map((f) => f.scenario.name))];
  const title = multi ? `rtbench comparison: ${runs.map((x) => x.label).join(' vs ')}` : `rtbench: ${files[0]?.scenario.name ?? ''}`;
  const sub = multi
    ? `${names.map(esc).join(', ')} · ${files.length} result file${files.length > 1 ? 's' : ''}`
    : `${esc(files[0]?.scenario.file ?? '')} · ${esc(files[0]?.createdAt ?? '')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${uplotCss}
${STYLES}</style></head><body><main>
<h1>${esc(title)}</h1>
<p class="meta">${sub}</p>
${verdict(runs, pairs)}
<section id="summary" class="cards">${runs.map((x, i) => card(x, colors[i]!)).join('\n')}</section>
${deltaSection(pairs)}
${files.map(searchSection).join('\n')}
<section id="charts">
<h2>Latency by percentile</h2>
<div class="panel"><div class="chips" id="curve-pick" aria-label="${multi ? 'metric shown' : 'metrics shown'}"></div><div class="chart" id="curve"></div></div>
<h2>Over time</h2>
<p class="muted">Dashed lines mark phase starts${runs.some((x) => x.run.faults) ? ' and faults (red)' : ''}; hover a chart for its values${multi ? '; the phases are those of the first run' : ''}.</p>
<div class="grid2"><div class="panel"><div class="chart" id="ts-throughput"></div></div><div class="panel"><div class="chart" id="ts-latency"></div></div><div class="panel"><div class="chart" id="ts-connections"></div></div><div class="panel"><div class="chart" id="ts-errors"></div></div>${multi || !runs[0] ? '' : customPanels(runs[0].run.timeseries)}</div>
</section>
<h2>${multi ? 'Each run' : 'Details'}</h2>
${runs.map((x, i) => runDetails(x, i, runs.length <= 4)).join('\n')}
${environmentSection(
  files,
  files.map((_, i) => runs.find((x) => x.fileIndex === i)?.label ?? `#${i + 1}`),
)}
</main>
<script type="application/json" id="rtbench-data">${data}</script>
<script>${uplotJs}</script>
<script>${clientJs}</script>
</body></html>
`;
}
