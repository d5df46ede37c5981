import type { RunFile, RunResult } from '../result/types.ts';
import { formatDuration } from '../shared/duration.ts';
import { table } from '../util/table.ts';
import { SEQUENCED_EVENTS } from '../metrics/names.ts';
import { faultsBlock } from './faults-table.ts';
import { deliveryLines } from './delivery.ts';
import { customLines, declaredIn } from './custom.ts';
import { shownMessage } from '../metrics/errors.ts';
import { redactUrls } from '../util/redact.ts';
import type { MetricDeclarations } from '../metrics/declared.ts';
import { mainLatency } from './main-latency.ts';

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function metricsTable(r: RunResult, main: string | null): string {
  // the run's main latency first, then connect, the acks, the rest; the generator's lag last
  const order = (k: string): string =>
    k === main ? '0' : k === 'connect' ? '1' : k === 'ack' ? '2' : k.startsWith('ack:') ? `3${k}` : k === 'lag' ? `9` : `5${k}`;
  const names = Object.keys(r.metrics)
    .filter((k) => r.metrics[k]!.count > 0)
    .sort((a, b) => order(a).localeCompare(order(b)));
  if (names.length === 0) return '  (no latencies recorded)';
  const rows = [['metric (ms)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max']];
  for (const n of names) {
    const m = r.metrics[n]!;
    rows.push([n, String(m.count), fmt(m.p50), fmt(m.p90), fmt(m.p99), fmt(m.p999), fmt(m.max)]);
  }
  return table(rows);
}

const pctOf = (n: number, of: number): string => (of > 0 ? `${+((n / of) * 100).toFixed(2)}%` : '0%');

/** The first line of every run: sessions started, completed, failed, and the error rate. */
export function sessionsLine(r: RunResult): string {
  const n = (k: string): number => r.counters[k] ?? 0;
  const started = n('sessions.started');
  const failed = n('sessions.failed');
  const msgs = n('messages.sent') + n('messages.received');
  const errors = n('errors');
  return (
    `sessions: ${started} started, ${n('sessions.completed')} completed, ${failed} failed (${pctOf(failed, started)})` +
    (n('sessions.interrupted') ? `, ${n('sessions.interrupted')} interrupted` : '') +
    (n('sessions.dropped') ? `, ${n('sessions.dropped')} DROPPED` : '') +
    (n('sessions.lost') ? `, ${n('sessions.lost')} LOST (on a generator that died)` : '') +
    `; errors: ${errors} (rate ${pctOf(errors, msgs + started)} of sessions + messages)`
  );
}

/** Sequence counters of broadcast, push and channel (`publish`) streams, zeros shown as 0 whenever such messages were received. */
export function sequenceLine(r: RunResult): string | null {
  const n = (k: string): number => r.counters[k] ?? 0;
  const streams = SEQUENCED_EVENTS.filter((e) => (r.metrics[e]?.count ?? 0) > 0 || n(`${e}.gaps`) + n(`${e}.duplicates`) + n(`${e}.outOfOrder`) > 0);
  if (streams.length === 0) return null;
  return streams.map((e) => `${e} gaps ${n(`${e}.gaps`)}, duplicates ${n(`${e}.duplicates`)}, out of order ${n(`${e}.outOfOrder`)}`).join('; ');
}

function countersLine(r: RunResult): string {
  const c = r.counters;
  const n = (k: string): number => c[k] ?? 0;
  const parts = [`messages ${n('messages.sent')} sent, ${n('messages.received')} received`];
  const seconds = r.durationMs / 1000;
  if (seconds > 0) parts.push(`${Math.round((n('messages.sent') + n('messages.received')) / seconds)} msgs/s`);
  if (n('disconnects') || r.faults)
    parts.push(`${n('disconnects')} unexpected disconnects, ${n('recovered')} reconnected${n('recovery.failed') ? `, ${n('recovery.failed')} GAVE UP` : ''}`);
  const seq = sequenceLine(r);
  return `  ${parts.join('; ')}${seq ? `\n  sequence: ${seq}` : ''}`;
}

function errorsBlock(r: RunResult): string {
  const kinds = Object.entries(r.errors).sort(([, a], [, b]) => b.count - a.count);
  if (kinds.length === 0) return '  errors: 0';
  // messages are grouped by shape (numbers, ids… as placeholders) and each group shows one raw message
  const grouped = kinds.some(([, e]) => e.messages?.some((m) => m.example !== undefined));
  const lines = [grouped ? '  errors (messages grouped by shape, one real message shown each):' : '  errors:'];
  for (const [k, e] of kinds) {
    const messages = e.messages ?? [{ message: e.sample, count: e.count }];
    if (messages.length === 1 && messages[0]!.count === e.count) {
      lines.push(`    ${k} ×${e.count}: ${redactUrls(shownMessage(messages[0]!))}`);
      continue;
    }
    const listed = messages.reduce((a, m) => a + m.count, 0);
    lines.push(`    ${k} ×${e.count}:`, ...messages.map((m) => `      ×${m.count} ${redactUrls(shownMessage(m))}`));
    if (e.count > listed) lines.push(`      ×${e.count - listed} with other messages (only the 5 most frequent are kept)`);
  }
  return lines.join('\n');
}

/**
 * The harness's own share: `harness: latencies include at most X ms (p99) of the generator's own
 * delay`, from `generator.harnessDelay` (null when no operation was timed).
 */
export function harnessLine(r: RunResult): string | null {
  const h = r.generator.harnessDelay;
  if (!h || h.count === 0) return null;
  return `harness: latencies include at most ${fmt(h.p99)} ms (p99) of the generator's own delay (p50 ${fmt(h.p50)} ms, max ${fmt(h.max)} ms: how late operations were written against their intended time)`;
}

/** The saturation verdict in words that say what was measured. */
export function saturationLine(r: RunResult): string | null {
  const s = r.generator.saturation;
  const verdict = s.verdict ?? (s.saturated ? 'generator' : 'ok');
  if (verdict === 'generator')
    return `!!! GENERATOR SATURATED — the generator's own delay is part of the latencies below, so they overstate the server's: ${s.reasons.join('; ')}`;
  if (verdict === 'host')
    return `!!! HOST BUSY — the generators and a plain process on the same host were delayed alike (the server and other processes took the CPU); latencies below include that scheduling delay: ${s.reasons.join('; ')}`;
  return null;
}

function workersBlock(r: RunResult): string {
  const w = r.workers;
  const entries = Object.entries(w.connections);
  if (entries.length === 0 && r.topology === 'external') {
    // the user's own server: worker identification is the reference app's convention, not a fault of theirs
    return `  workers: not reported by the server (it may emit \`welcome\` { worker: { id } } on connect to show the spread per worker)`;
  }
  if (entries.length === 0) return `  workers: none identified${w.unidentified ? ` (${w.unidentified} connections without a welcome)` : ''}`;
  const list = entries.map(([id, n]) => `${id} ${n}`).join(', ');
  const figures = w.maxOverMean === null ? '' : `; max/mean ${w.maxOverMean}, cv ${w.cv}`;
  const chi = w.chiSquare && w.chiSquare.df > 0 ? `, chi-square p ${w.chiSquare.pValue.toExponential(1)}` : '';
  const sticky = w.stickiness === null ? '' : `; stickiness ${Math.round(w.stickiness * 100)}% of reconnects to the same worker`;
  const killed = r.faults?.faults.some((f) => f.pid !== null && f.action !== 'pause' && f.action !== 'run')
    ? ' (expected after faults: a killed worker takes its counts with it)'
    : '';
  const mism = r.server?.mismatches.length ? `\n  server/client mismatch${killed}: ${r.server.mismatches.join('; ')}` : '';
  const srv =
    r.server && Object.keys(r.server.counters).length
      ? `\n  server: ${Object.entries(r.server.counters)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`
      : '';
  return `  workers: ${list}${figures}${chi}${sticky}${w.unidentified ? `; ${w.unidentified} unidentified` : ''}${mism}${srv}`;
}

/** A threshold's measured figure as the summary prints it (`12.3ms`, `0.5%`, `3`, `no value`). */
export function formatActual(subject: string, v: number | null, unit?: string): string {
  if (v === null) return 'no value';
  if (unit === 'fraction') return `${+(v * 100).toFixed(3)}%`;
  if (unit === 'number') return `${+v.toFixed(3)}`;
  if (unit === 'perSecond') return `${+v.toFixed(3)}/s`;
  if (unit === 'ms') return `${fmt(v)}ms`;
  if (/rate|maxShare/i.test(subject)) return `${+(v * 100).toFixed(3)}%`;
  if (/^(workers|throughput)|\.count$/.test(subject)) return `${+v.toFixed(3)}`;
  return `${fmt(v)}ms`;
}

function runBlock(r: RunResult, color: boolean, declared: MetricDeclarations | null = null): string {
  const lines: string[] = [];
  const bold = (s: string): string => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const red = (s: string): string => (color ? `\x1b[1;31m${s}\x1b[0m` : s);
  lines.push(bold(`── ${r.topology} · ${r.target} · ${r.engine} · ${formatDuration(r.durationMs)} · ${r.status.toUpperCase()}`));
  const failedSessions = (r.counters['sessions.failed'] ?? 0) > 0;
  lines.push(failedSessions ? red(`  ${sessionsLine(r)}`) : `  ${sessionsLine(r)}`);
  lines.push(bold(`  ${latencyLine(r, declared)}`));
  const sat = saturationLine(r);
  if (sat) lines.push(red(`  ${sat}`));
  const harness = harnessLine(r);
  if (harness) lines.push(`  ${harness}`);
  if (r.failure) lines.push(red(`  run failed [${r.failure.code}]: ${r.failure.message}`));
  if (r.abortedBy) lines.push(red(`  stopped early: threshold ${r.abortedBy} (abortOnFail)`));
  if (r.thresholds.length) {
    const failed = r.thresholds.filter((t) => !t.ok).length;
    const partial = r.thresholdsOnPartialData ? ` on partial data (run ${r.status})` : '';
    lines.push(
      failed ? red(`  THRESHOLDS FAILED${partial}: ${failed} of ${r.thresholds.length}`) : `  thresholds${partial}: all ${r.thresholds.length} passed`,
    );
    for (const t of r.thresholds)
      lines.push(`    ${t.ok ? 'ok  ' : 'FAIL'} ${t.subject} ${t.condition}  (${formatActual(t.subject, t.actual, t.unit)}${t.note ? `, ${t.note}` : ''})`);
  }
  if (r.crashedGenerators?.length)
    lines.push(red(`  !!! GENERATOR CRASHED: ${r.crashedGenerators.join('; ')} (its figures up to its last report are included)`));
  lines.push(
    metricsTable(r, mainLatency(r, declared)?.name ?? null),
    countersLine(r),
    ...deliveryLines(r),
    ...customLines(r, declared),
    errorsBlock(r),
    workersBlock(r),
  );
  if (r.faults) lines.push(faultsBlock(r.faults));
  const g = r.generator.processes;
  if (g.length) {
    lines.push(
      `  generators: ${g.map((p) => `#${p.index} cpu ${Math.round(p.cpuMean)}% (max ${Math.round(p.cpuMax)}%), loop p99 ${p.loopDelayP99}ms, peak ${p.peakClients} clients, rss ${Math.round(p.rssMaxMb)}MB`).join(' | ')}`,
    );
  }
  return lines.join('\n');
}

const p99 = (r: RunResult, m: string): string => (r.metrics[m]?.count ? fmt(r.metrics[m]!.p99) : '-');
const num = (x: number | null | undefined, d = 2): string => (x === null || x === undefined ? '-' : String(+x.toFixed(d)));

/** The headline line: the run's main latency (src/reporters/main-latency.ts) with its count, or why there is none. */
export function latencyLine(r: RunResult, declared: MetricDeclarations | null = null): string {
  const main = mainLatency(r, declared);
  if (!main) return 'latency: no round trip timed (no ack, request, token stream or own trend)';
  const { name, m } = main;
  return `latency (${name}): p50 ${fmt(m.p50)}ms, p99 ${fmt(m.p99)}ms, max ${fmt(m.max)}ms over ${m.count} samples`;
}

/** Topologies side by side: latency, throughput, errors and worker distribution, one row each. */
export function sideBySide(runs: RunResult[], declared: MetricDeclarations | null = null): string {
  // the main latency's column is named after the first run's; a run whose own differs says which it shows
  const head = runs[0] ? (mainLatency(runs[0], declared)?.name ?? 'ack') : 'ack';
  const rows = [
    [
      'topology',
      'status',
      'workers',
      'conns',
      'connect p99',
      `${head} p99`,
      'bcast p99',
      'msgs/s',
      'errors',
      'max/mean',
      'cv',
      'max share',
      'chi2 p',
      'sticky',
    ],
  ];
  for (const r of runs) {
    const c = r.counters;
    const w = r.workers;
    const conns = Object.values(w.connections).reduce((a, b) => a + b, 0);
    const rate = r.durationMs > 0 ? Math.round(((c['messages.sent'] ?? 0) + (c['messages.received'] ?? 0)) / (r.durationMs / 1000)) : 0;
    rows.push([
      r.topology,
      r.status + (r.generator.saturation.saturated ? ' (SATURATED)' : ''),
      String(Object.keys(w.connections).length),
      String(conns),
      p99(r, 'connect'),
      ((own) => (own === head ? p99(r, head) : own === null ? '-' : `${p99(r, own)} (${own})`))(mainLatency(r, declared)?.name ?? null),
      p99(r, 'broadcast'),
      String(rate),
      String(c.errors ?? 0),
      num(w.maxOverMean),
      num(w.cv),
      w.maxShare === null ? '-' : `${Math.round(w.maxShare * 100)}%`,
      w.chiSquare ? w.chiSquare.pValue.toExponential(1) : '-',
      w.stickiness === null ? '-' : `${Math.round(w.stickiness * 100)}%`,
    ]);
  }
  return table(rows);
}

/** The end-of-run summary: a pure function of the result. */
export function formatSummary(file: RunFile, opts: { color?: boolean } = {}): string {
  const head = `rtbench summary: ${file.scenario.name} (${file.scenario.file})`;
  const blocks = [head, ...file.runs.map((r) => runBlock(r, opts.color ?? false, declaredIn(file)))];
  if (file.runs.length > 1) blocks.push('── side by side (latencies in ms)', sideBySide(file.runs, declaredIn(file)));
  return blocks.join('\n');
}
