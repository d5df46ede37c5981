/**
 * A run headlines its own latency (issue 22 item 4): `ack`, else `request`, else `sse:first`, else
 * the scenario's first declared trend, else a fan-out latency. The console, Markdown, the report's
 * card and its charts lead with it; every trend stays selectable in the percentile chart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyLine, sideBySide } from '../../src/reporters/console-summary.ts';
import { chartRun, runFigures } from '../../src/reporters/html/data.ts';
import { mainLatency } from '../../src/reporters/main-latency.ts';
import type { RunFile, RunResult } from '../../src/result/types.ts';

const m = (p50: number, p99: number, count = 10) => ({ count, min: p50, mean: p50, p50, p90: p99, p99, p999: p99, max: p99 * 2, hdr: '' });
const run = (metrics: Record<string, ReturnType<typeof m>>, extra: Partial<RunResult> = {}): RunResult =>
  ({
    topology: 'external',
    status: 'completed',
    metrics,
    counters: {},
    durationMs: 1000,
    timeseries: [],
    workers: { connections: {}, maxOverMean: null, cv: null, maxShare: null, chiSquare: null, stickiness: null },
    generator: { saturation: { saturated: false, reasons: [] }, processes: [] },
    errors: {},
    thresholds: [],
    ...extra,
  }) as unknown as RunResult;

test('main latency: ack, then request, then sse:first, then the first declared trend, then fan-out; none → null', () => {
  assert.equal(mainLatency(run({ connect: m(1, 2), ack: m(2, 3), request: m(3, 4) }))!.name, 'ack');
  assert.equal(mainLatency(run({ connect: m(1, 2), request: m(3, 4), 'sse:first': m(5, 6) }))!.name, 'request');
  assert.equal(mainLatency(run({ connect: m(1, 2), 'sse:first': m(5, 6), 'sse:done': m(50, 60) }))!.name, 'sse:first');
  // the scenario's own trends, in declaration order (not alphabetical), with samples
  const own = run({ connect: m(1, 2), alpha: m(1, 1), tick: m(7, 8), broadcast: m(9, 9) });
  assert.equal(mainLatency(own, { tick: 'trend', alpha: 'trend', n: 'counter' })!.name, 'tick');
  assert.equal(mainLatency(run({ tick: m(7, 8, 0), broadcast: m(9, 9) }), { tick: 'trend' })!.name, 'broadcast', 'a trend without samples is skipped');
  assert.equal(mainLatency(run({ connect: m(1, 2) })), null);
  const r = mainLatency(run({ ack: m(2, 3, 0), request: m(3, 4, 7) }))!;
  assert.deepEqual([r.name, r.m.count], ['request', 7], 'an ack metric with no samples is not the headline');
});

test('the console and Markdown lead with it; side by side names its column after it', () => {
  assert.equal(latencyLine(run({ request: m(1.5, 4.25, 12) })), 'latency (request): p50 1.50ms, p99 4.25ms, max 8.50ms over 12 samples');
  assert.match(latencyLine(run({ connect: m(1, 2) })), /^latency: no round trip timed/);
  const rows = sideBySide([run({ 'sse:first': m(5, 6) }), run({ 'sse:first': m(5, 9), ack: m(1, 2) }, { topology: 'b' } as Partial<RunResult>)]).split('\n');
  assert.match(rows[0]!, /sse:first p99/);
  assert.match(rows.at(-1)!, /2\.00 \(ack\)/, 'a run whose main latency differs says which it shows');
});

test("the report's card and charts: the main latency first, its per-second p99, request and sse:first per second", () => {
  const ts = [0, 1].map((t) => ({
    t,
    connected: 1,
    sessionsStarted: 1,
    messagesSent: 1,
    messagesReceived: 1,
    errors: 0,
    ackP50: null,
    ackP99: null,
    connectP99: 1,
    requestP99: t === 0 ? 3 : null,
    sseFirstP99: 5,
  }));
  const r = run({ connect: m(1, 2), request: m(3, 4) }, { timeseries: ts, durationMs: 2000 } as Partial<RunResult>);
  const f = runFigures(r);
  assert.deepEqual(f.main, { name: 'request', p50: 3, p99: 4 });
  assert.equal(f.ack, null);
  const file = { scenario: { name: 's', file: 's.ts', options: { metrics: {} } }, runs: [r] } as unknown as RunFile;
  const c = chartRun({ label: 'a', file, run: r } as Parameters<typeof chartRun>[0]);
  assert.equal(c.main, 'request');
  assert.deepEqual(c.series.mainP99, [3, null]);
  assert.deepEqual(c.series.requestP99, [3, null]);
  assert.deepEqual(c.series.sseFirstP99, [5, 5]);
  // a custom trend as the headline: its per-second p99 comes from the custom series
  const tsc = ts.map((p) => ({ ...p, requestP99: undefined, custom: { trends: { tick: { count: 1, p50: 6, p99: 7 } }, counters: {} } }));
  const rc = run({ connect: m(1, 2), tick: m(6, 7) }, { timeseries: tsc, durationMs: 2000 } as Partial<RunResult>);
  const fc = { scenario: { name: 's', file: 's.ts', options: { metrics: { tick: 'trend' } } }, runs: [rc] } as unknown as RunFile;
  const cc = chartRun({ label: 'a', file: fc, run: rc } as Parameters<typeof chartRun>[0]);
  assert.equal(cc.main, 'tick');
  assert.deepEqual(cc.series.mainP99, [7, 7]);
});
