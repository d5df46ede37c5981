import { ERROR_MESSAGES_PER_KIND, type RunFile, type RunResult } from '../../result/types.ts';
import { faultBaseline, faultRows } from '../faults-table.ts';
import { biasText, customView, declaredIn } from '../custom.ts';
import { shownMessage } from '../../metrics/errors.ts';
import type { ComparedPair } from './compare-section.ts';
import { metricUnit, runFigures, soleAckEvent, type LabeledRun } from './data.ts';
import { esc, htmlTable, ms, num, pct, thresholdValue, withUnit } from './format.ts';

type Level = 'good' | 'warn' | 'bad';
interface Check {
  level: Level;
  text: string;
}

/** What a reader must know first about one run: did it pass, did sessions fail, can the numbers be trusted. */
export function checks(r: RunResult): Check[] {
  const f = runFigures(r);
  const out: Check[] = [];
  if (r.status !== 'completed')
    out.push({
      level: 'bad',
      text: `Run ${r.status}${r.failure ? `: ${r.failure.message}` : ''}${r.abortedBy ? ` — stopped by threshold ${r.abortedBy}` : ''}`,
    });
  const failedT = r.thresholds.filter((t) => !t.ok);
  const partial = r.thresholdsOnPartialData ? ` (on partial data: run ${r.status})` : '';
  if (r.thresholds.length)
    out.push(
      failedT.length
        ? { level: 'bad', text: `${failedT.length} of ${r.thresholds.length} thresholds failed${partial}` }
        : { level: partial ? 'warn' : 'good', text: `all ${r.thresholds.length} thresholds passed${partial}` },
    );
  if (f.failed > 0)
    out.push({ level: 'bad', text: `${num(f.failed, 0)} of ${num(f.started, 0)} sessions failed (${pct(f.started ? f.failed / f.started : 0)})` });
  else if (f.started > 0) out.push({ level: 'good', text: `${num(f.completed, 0)} of ${num(f.started, 0)} sessions completed, none failed` });
  const cPass = r.counters['checks.pass'] ?? 0;
  const cFail = r.counters['checks.fail'] ?? 0;
  if (cFail > 0) out.push({ level: 'warn', text: `${num(cFail, 0)} of ${num(cPass + cFail, 0)} checks failed` });
  else if (cPass > 0) out.push({ level: 'good', text: `all ${num(cPass, 0)} checks passed` });
  if (f.errors > 0) out.push({ level: 'warn', text: `${num(f.errors, 0)} errors (${pct(f.errorRate, 2)} of messages and sessions)` });
  const sat = r.generator.saturation;
  const sv = sat.verdict ?? (sat.saturated ? 'generator' : 'ok');
  if (sv === 'generator')
    out.push({ level: 'bad', text: `Generator saturated — its own delay is part of the latencies, so they overstate the server's: ${sat.reasons.join('; ')}` });
  else if (sv === 'host')
    out.push({ level: 'warn', text: `Host busy — something else on this machine took the CPU; latencies include that wait: ${sat.reasons.join('; ')}` });
  else {
    // what was measured, not more: the verdict judges the generators; the host's own delay is shown as seen
    const seen = sat.sentinel ? `; a plain process on this host saw event-loop delay p99 ${num(sat.sentinel.loopDelayP99, 1)} ms` : '';
    out.push({ level: 'good', text: `generator not saturated (its CPU and event-loop delay within bounds)${seen}` });
  }
  const h = r.generator.harnessDelay;
  // beside the verdict: how much of every latency is the generator's own delay
  if (h && h.count > 0)
    out.push({
      level: h.p99 > 5 ? 'warn' : 'good',
      text: `harness: latencies include at most ${num(h.p99, 2)} ms (p99) of the generator's own delay (p50 ${num(h.p50, 2)} ms, max ${num(h.max, 1)} ms)`,
    });
  if (r.crashedGenerators?.length)
    out.push({ level: 'bad', text: `generator crashed: ${r.crashedGenerators.join('; ')} (its figures up to its last report are included)` });
  if (r.server?.mismatches.length) out.push({ level: 'warn', text: `server and clients disagree: ${r.server.mismatches.join('; ')}` });
  return out;
}

const worst = (cs: Check[]): Level => (cs.some((c) => c.level === 'bad') ? 'bad' : cs.some((c) => c.level === 'warn') ? 'warn' : 'good');
const WORD: Record<Level, string> = { good: 'PASSED', warn: 'PASSED WITH WARNINGS', bad: 'FAILED' };

/** The comparison's verdicts as checks of the current run: a regression is as bad as a failed gate (`compare` exits 99 on it). */
export function deltaChecks(pairs: readonly ComparedPair[], of: LabeledRun): Check[] {
  return pairs
    .filter((p) => p.cur === of)
    .map(({ base, rows }) => {
      const reg = rows.filter((r) => r.verdict === 'regression');
      const weak = rows.some((r) => r.strength === 'weak') ? ' (weak: single rounds)' : '';
      if (reg.length)
        return {
          level: 'bad',
          text: `${reg.length} REGRESSION${reg.length > 1 ? 'S' : ''} vs ${base.label}${weak}: ${reg.map((r) => r.subject).join(', ')}`,
        } as Check;
      const worse = rows.filter((r) => r.verdict === 'worse').length;
      return {
        level: 'good',
        text: `no regression vs ${base.label} (${rows.length} figures${worse ? `, ${worse} worse within the limit` : ''})${weak}`,
      } as Check;
    });
}

/** The verdict banner: one headline for the whole report (the comparison's regressions included), then each run's checks. */
export function verdict(runs: LabeledRun[], pairs: readonly ComparedPair[] = []): string {
  const per = runs.map((x) => ({ x, cs: [...deltaChecks(pairs, x), ...checks(x.run)] }));
  const level = worst(per.flatMap((p) => p.cs));
  const regressions = pairs.flatMap((p) => p.rows).filter((r) => r.verdict === 'regression').length;
  const bases = [...new Set(pairs.filter((p) => p.rows.some((r) => r.verdict === 'regression')).map((p) => p.base.label))];
  const headline = `${WORD[level]}${regressions ? ` — ${regressions} REGRESSION${regressions > 1 ? 'S' : ''} vs ${bases.join(', ')}` : ''}`;
  const list = per
    .map(
      ({ x, cs }) =>
        `<div class="checks">${runs.length > 1 ? `<span class="who">${esc(x.label)}</span>` : ''}${cs.map((c) => `<span class="chk ${c.level}">${c.level === 'good' ? '✔' : c.level === 'warn' ? '⚠' : '✘'} ${esc(c.text)}</span>`).join('')}</div>`,
    )
    .join('');
  return `<section class="verdict ${level}" id="verdict"><div class="headline">${esc(headline)}</div>${list}</section>`;
}

function fig(key: string, label: string, value: string, sub = '', cls = ''): string {
  return `<div class="fig${cls ? ` ${cls}` : ''}" data-fig="${esc(key)}"><div class="v">${value}</div><div class="l">${esc(label)}${sub ? ` <span class="sub">${sub}</span>` : ''}</div></div>`;
}

/** One summary card: the figures a backend engineer asks for first. */
export function card(x: LabeledRun, color: string): string {
  const f = runFigures(x.run, declaredIn(x.file));
  const r = x.run;
  const lat = (v: { p50: number; p99: number } | null): string => (v ? `${ms(v.p50)} <span class="sep">/</span> ${ms(v.p99)}` : '–');
  const imbalance = f.workers > 1 && f.maxOverMean !== null ? `${f.maxOverMean.toFixed(2)}×` : f.workers === 1 ? '1 worker' : '–';
  return `<div class="card" data-run="${esc(x.label)}" style="border-top-color:${color}">
<div class="card-h"><span class="swatch" style="background:${color}"></span><b>${esc(x.label)}</b> <span class="muted">${esc(r.engine)} · ${esc(r.target)} · ${num(f.durationS, 1)} s${r.rounds && r.rounds.length > 1 ? ` · ${r.rounds.length} rounds` : ''}</span></div>
<div class="figs">
${fig(f.main?.name ?? 'ack', `${f.main?.name ?? 'latency'} p50 / p99`, lat(f.main), f.main ? '' : 'no round trip timed', 'wide')}
${fig('connect', 'connect p50 / p99', lat(f.connect), '', 'wide')}
${fig('sessions.started', 'sessions started', num(f.started, 0))}
${fig('sessions.completed', 'completed', num(f.completed, 0))}
${fig('sessions.failed', 'failed', num(f.failed, 0), f.started ? pct(f.failed / f.started) : '', f.failed ? 'bad' : '')}
${fig('errors', 'errors', num(f.errors, 0), `${pct(f.errorRate, 2)} rate`, f.errors ? 'warn' : '')}
${fig('messages.sent', 'messages sent', num(f.sent, 0))}
${fig('messages.received', 'messages received', num(f.received, 0))}
${fig('throughput', 'msgs/s', num(f.throughput, 1), 'sent + received')}
${fig('workers', 'worker imbalance', imbalance, f.workers > 1 ? `max/mean of ${f.workers} workers · busiest has ${pct(f.maxShare)}` : '')}
</div></div>`;
}

export function thresholdsTable(r: RunResult): string {
  if (!r.thresholds.length) return '';
  return `<h3>Thresholds</h3>${htmlTable(
    ['', 'threshold', 'measured'],
    r.thresholds.map((t) => [
      `<span class="${t.ok ? 'ok' : 'fail'}">${t.ok ? '✔' : '✘'}</span>`,
      `<code>${esc(t.subject)}</code> ${esc(t.condition)}${t.abortOnFail ? ' <span class="muted">(abortOnFail)</span>' : ''}`,
      `<span class="${t.ok ? '' : 'fail'}">${esc(thresholdValue(t.subject, t.actual, t.unit))}</span>${t.note ? `<br><span class="muted">${esc(t.note)}</span>` : ''}`,
    ]),
    'num',
  )}`;
}

/** Every histogram in the result, by name (built-in and custom metrics alike), in its unit. */
export function metricsTable(r: RunResult): string {
  const sole = soleAckEvent(r);
  const rows = Object.entries(r.metrics).filter(([k, m]) => m.count && k !== sole);
  if (!rows.length) return '';
  return `<h3>Latencies and other histograms</h3>${sole ? `<p class="muted">The scenario acks one event: <code>${esc(sole)}</code> has the same samples as <code>ack</code>.</p>` : ''}${htmlTable(
    ['metric', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    rows.map(([k, m]) => {
      const u = metricUnit(m);
      return [`<code>${esc(k)}</code>`, num(m.count, 0), withUnit(m.p50, u), withUnit(m.p90, u), withUnit(m.p99, u), withUnit(m.p999, u), withUnit(m.max, u)];
    }),
    'num',
  )}`;
}

/** Every counter in the result, by name (built-in and custom). */
export function countersTable(r: RunResult): string {
  const rows = Object.entries(r.counters).sort(([a], [b]) => a.localeCompare(b));
  if (!rows.length) return '';
  const perS = r.durationMs > 0 ? r.durationMs / 1000 : 0;
  return `<h3>Counters</h3>${htmlTable(
    ['counter', 'total', 'per second'],
    rows.map(([k, v]) => [`<code>${esc(k)}</code>`, num(v, 0), perS ? `${num(v / perS, 1)} /s` : '–']),
    'num',
  )}`;
}

/** Checks (`ctx.check`) and the kinds of a `sessions` mix, when the scenario has them (custom trends and counters are rows of the tables above). */
export function customSection(x: LabeledRun): string {
  const v = customView(x.run, declaredIn(x.file));
  const parts: string[] = v.biased.map((b) => `<p class="chk warn">⚠ ${esc(biasText(b))}</p>`);
  if (v.checks) {
    const row = (name: string, pass: number, fail: number, all = false): string[] => [
      `<span class="${fail ? 'fail' : 'ok'}">${fail ? '✘' : '✔'}</span>`,
      all ? '<b class="l">all checks</b>' : `<code>${esc(name)}</code>`,
      num(pass, 0),
      num(fail, 0),
      pct(pass + fail ? fail / (pass + fail) : null, 2),
    ];
    parts.push(
      `<h3>Checks</h3>${htmlTable(['', 'check', 'passed', 'failed', 'failed share'], [row('', v.checks.pass, v.checks.fail, true), ...v.checks.byName.map((c) => row(c.name, c.pass, c.fail))], 'num')}`,
    );
  }
  if (v.kinds.length) {
    parts.push(
      `<h3>Sessions by kind</h3>${htmlTable(
        ['kind', 'started', 'completed', 'failed', 'duration p50', 'duration p99'],
        v.kinds.map((k) => [
          `<code>${esc(k.name)}</code>`,
          num(k.started, 0),
          num(k.completed, 0),
          num(k.failed, 0),
          ms(k.duration?.count ? k.duration.p50 : null),
          ms(k.duration?.count ? k.duration.p99 : null),
        ]),
        'num',
      )}`,
    );
  }
  return parts.join('\n');
}

/** Errors by kind, messages grouped by shape (normalised), each group a real message with its shape and count (left-aligned: messages are text). */
export function errorsTable(r: RunResult): string {
  const entries = Object.entries(r.errors);
  if (!entries.length) return '<h3>Errors</h3><p class="muted">none</p>';
  const total = entries.reduce((a, [, e]) => a + e.count, 0);
  const rows: string[][] = [];
  for (const [kind, e] of entries.sort((a, b) => b[1].count - a[1].count)) {
    const messages = e.messages;
    if (messages?.length) {
      for (const m of messages)
        rows.push([
          `<code>${esc(kind)}</code>`,
          num(m.count, 0),
          pct(total ? m.count / total : null),
          `<span class="msg">${esc(shownMessage(m))}</span>${m.example ? `<br><span class="muted ex">grouped by shape: ${esc(m.message)}</span>` : ''}`,
        ]);
      const rest = e.count - messages.reduce((a, m) => a + m.count, 0);
      if (rest > 0)
        rows.push([
          `<code>${esc(kind)}</code>`,
          num(rest, 0),
          pct(total ? rest / total : null),
          `<span class="muted">other messages (only the ${ERROR_MESSAGES_PER_KIND} most frequent are kept)</span>`,
        ]);
    }
    if (!messages?.length)
      rows.push([`<code>${esc(kind)}</code>`, num(e.count, 0), pct(total ? e.count / total : null), `<span class="msg">${esc(e.sample)}</span>`]);
  }
  return `<h3>Errors</h3>${htmlTable(['kind', 'count', 'share', 'message'], rows, 'errors')}`;
}

export function healthTable(r: RunResult): string {
  const gens = r.generator.processes;
  if (!gens.length) return '';
  return `<h3>Generator health</h3>${htmlTable(
    ['generator', 'CPU mean / max', 'seconds above 85 %', 'event-loop delay p99 / max', 'GC total / longest', 'RSS max', 'peak clients'],
    gens.map((g) => [
      `#${g.index}`,
      `${num(g.cpuMean, 0)} % / ${num(g.cpuMax, 0)} %`,
      num(g.cpuHotSeconds, 0),
      `${ms(g.loopDelayP99)} / ${ms(g.loopDelayMax)}`,
      `${ms(g.gcPauseTotal)} / ${ms(g.gcPauseMax)}`,
      `${num(g.rssMaxMb, 0)} MB`,
      num(g.peakClients, 0),
    ]),
    'num',
  )}`;
}

export function workersText(r: RunResult): string {
  const w = r.workers;
  const n = Object.keys(w.connections).length;
  if (n === 0) return '<p class="muted">No client learned its worker (the server sends no welcome).</p>';
  const total = Object.values(w.connections).reduce((a, b) => a + b, 0);
  if (n === 1) return `<p>One worker (<code>${esc(Object.keys(w.connections)[0])}</code>) took all ${num(total, 0)} connections.</p>`;
  return `<p>${n} workers, ${num(total, 0)} connections · max/mean <b>${num(w.maxOverMean, 3)}</b> · coefficient of variation ${num(w.cv, 3)} · busiest worker ${pct(w.maxShare)} · chi-square p ${w.chiSquare ? esc(w.chiSquare.pValue.toExponential(2)) : '–'}${w.stickiness === null ? '' : ` · stickiness ${pct(w.stickiness)}`}${w.unidentified ? ` · ${num(w.unidentified, 0)} unidentified` : ''}</p>`;
}

export function faultsSection(r: RunResult): string {
  if (!r.faults) return '';
  const [head, ...rows] = faultRows(r.faults);
  const notes = r.faults.faults
    .filter((f) => f.error || f.note)
    .map(
      (f) =>
        `<li${f.error ? ' class="fail"' : ''}>${esc(f.round === undefined ? f.label : `round ${f.round} ${f.label}`)}: ${esc(f.error ?? f.note ?? '')}</li>`,
    );
  return `<h3>Faults</h3><p>Each window runs from its fault to the next one. Ack p99 before the first fault: ${esc(faultBaseline(r.faults))}.</p>
${htmlTable(
  head!.map(esc),
  rows.map((row) => row.map(esc)),
  'num',
)}${notes.length ? `<ul>${notes.join('')}</ul>` : ''}`;
}

/** Flatten plain options into `a.b[0].c` → value rows (functions and empty values left out). */
function flatten(v: unknown, prefix: string, out: Array<[string, string]>, depth = 0): void {
  if (v === null || v === undefined || typeof v === 'function') return;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) out.push([prefix, v.join(', ')]);
    else v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out, depth + 1));
  } else if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length || depth > 6) return;
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  } else out.push([prefix, String(v)]);
}

/** Environment and scenario options as tables (not a JSON dump). */
export function environmentSection(files: RunFile[], labels: string[]): string {
  const envRows = (f: RunFile): string[][] => {
    const e = f.environment;
    return [
      ['rtbench', esc(e.rtbench)],
      ['Node.js', esc(e.node)],
      ['platform', `${esc(e.platform)} ${esc(e.arch)}`],
      ['CPU', `${esc(e.cpus.model)} × ${e.cpus.count}`],
      ['memory', `${num(e.memoryGb, 1)} GB`],
      ['host', esc(e.hostname)],
      ['git', esc(e.gitSha ?? 'n/a')],
      ['scenario file', `<code>${esc(f.scenario.file)}</code>`],
      ['written', esc(f.createdAt)],
    ];
  };
  const blocks = files.map((f, i) => {
    const opts: Array<[string, string]> = [];
    flatten(f.scenario.options, '', opts);
    return `<div class="env">${files.length > 1 ? `<h3>${esc(labels[i] ?? `#${i + 1}`)}</h3>` : ''}${htmlTable(['', ''], envRows(f), 'kv')}
<details><summary>Scenario options (${opts.length})</summary>${htmlTable(
      ['option', 'value'],
      opts.map(([k, v]) => [`<code>${esc(k)}</code>`, `<span class="msg">${esc(v)}</span>`]),
      'kv',
    )}</details></div>`;
  });
  return `<section id="environment"><h2>Environment</h2><div class="envs">${blocks.join('')}</div></section>`;
}
