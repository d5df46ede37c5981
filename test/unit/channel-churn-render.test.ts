/** The channel-churn section says only what its result measured (bench/channel-churn/render.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { churnSection, limitedBy, type ChurnResult, type ChurnRow } from '../../bench/channel-churn/render.ts';

function row(over: Partial<ChurnRow> = {}): ChurnRow {
  return {
    measure: 'churn',
    topology: 'single',
    engine: 'socket.io-lean',
    processes: 1,
    extra: '',
    slo: ['ack:subscribe.p99 < 250ms'],
    search: { from: 2, factor: 2, precision: 0.15, stepSeconds: 5, maxSteps: 12 },
    maxSessionsPerSec: 100,
    perSession: 100,
    rate: 10_000,
    perProcess: 10_000,
    deliveriesPerSec: null,
    delivery: null,
    p99: { 'ack:subscribe': 120 },
    limit: 'server',
    lowerBound: false,
    steps: 10,
    flagged: { generator: 0, host: 4 },
    failedAt: 112,
    failedStep: { rate: 112, generator: 'ok', beyondHarness: false, failed: ['ack:subscribe.p99 = 312 ms'] },
    generators: 2,
    verdict: '100/s held, 112/s failed the SLO with a healthy generator',
    seconds: 80,
    loadAverage: [3, 3.5],
    cpu: { busy: 0.9, ours: 0.85, others: 0.05, otherCores: 0.1 },
    ...over,
  };
}

function result(rows: ChurnRow[], loadBefore = 0.3): ChurnResult {
  return {
    date: '2026-12-02T01:00:00.000Z',
    minutes: 10,
    environment: { node: 'v20', cpu: 'cpu', cores: 2, loadAverage: { before: [loadBefore, 0, 0], after: [3, 0, 0] } },
    subscribers: 10,
    rows,
  };
}

test('the limit comes from the step that failed, not from the other steps flagged busy', () => {
  const healthy = limitedBy(row());
  assert.match(healthy, /^server: 112 sessions\/s failed \(ack:subscribe\.p99 = 312 ms\) with a healthy generator$/);
  assert.doesNotMatch(healthy, /busy|flagged/);
  const flagged = limitedBy(row({ failedStep: { rate: 112, generator: 'generator', beyondHarness: true, failed: ['ack:subscribe.p99 = 2000 ms'] } }));
  assert.match(flagged, /generator flagged saturated, but by more than the harness delay/);
  assert.match(
    limitedBy(
      row({ limit: 'host', lowerBound: true, failedStep: { rate: 112, generator: 'host', beyondHarness: false, failed: ['ack:subscribe.p99 = 400 ms'] } }),
    ),
    /busy host\*\*: lower bound; 112 sessions\/s failed .* twice with the host flagged busy/,
  );
});

test('the search options are the ones run, and flagged steps are counted by kind in the search column', () => {
  const md = churnSection(result([row({ search: { from: 3, factor: 3, precision: 0.1, stepSeconds: 7, maxSteps: 9 } })]));
  assert.match(md, /from 3 sessions\/s, raised ×3 while the SLO held, then bisected until within 10%; steps of 7 s, at most 9/);
  assert.doesNotMatch(md, /×2|15%/);
  assert.match(md, /10 steps \(flagged: 4 host busy\), 80 s, load 3→3.5 of 2 cores; others 0.1 cores \(5\.0%\) \|/);
});

test('the conditions say what was measured: busy only when others took CPU or the load before was high', () => {
  const quiet = churnSection(result([row()]));
  assert.doesNotMatch(quiet, /nothing else ran/);
  assert.doesNotMatch(quiet, /machine (was )?busy/);
  assert.match(quiet, /load average was 0\.3 before the run started \(work other than this run\), and 3\.0 at its end/);
  assert.match(quiet, /Other processes used under 0\.5 core during every search/);

  const busy = churnSection(result([row(), row({ topology: 'cluster:2', cpu: { busy: 1, ours: 0.6, others: 0.4, otherCores: 0.8 } })], 1.5));
  assert.match(busy, /the machine was busy\*\* \(above half its 2 cores\)/);
  assert.match(busy, /\*\*The machine was busy\*\* \(others ≥ 0\.5 core\) during 1 of 2 searches \(churn cluster:2\)/);
  assert.match(busy, /others 0\.8 cores \(40%\) \*\*machine busy\*\* \|/);
  assert.match(busy, /0\.1–0\.8 cores/);
});

test('publish rows show delivery: delivered ÷ (publishes × subscribers), undelivered and gaps', () => {
  const pub = row({
    measure: 'publish',
    p99: { 'ack:publish': 90, publish: 40 },
    deliveriesPerSec: 40_000,
    delivery: { publishes: 5000, subscribers: 10, deliveries: 45_119, ratio: 0.9024, undelivered: 4881, gaps: 3, duplicates: 0 },
  });
  const md = churnSection({ ...result([pub]), note: 'three other engineers ran tests meanwhile' });
  assert.match(md, /\| 40000 \| 90\.24% \(45119 of 5000 × 10; 10 subscribers stayed\); undelivered 4881, gaps 3 \|/);
  assert.match(md, /\*\*Note from whoever ran it:\*\* three other engineers ran tests meanwhile/);
});
