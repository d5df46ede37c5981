/**
 * The default gate sees every session that did not complete (issue 23, item 5): failed ones,
 * interrupted ones (a find-max step with 21.6% interrupted passed as `sessions.failedRate 0.00%`)
 * and lost ones (started on a generator that died, counted nowhere).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLost } from '../../src/collect/build.ts';
import { evaluateThresholds } from '../../src/thresholds/evaluate.ts';
import { gateThresholds } from '../../src/thresholds/gate.ts';

const figures = (counters: Record<string, number>) => ({
  metrics: {},
  counters,
  workers: { connections: {}, maxOverMean: 1, cv: 0, maxShare: 0 } as never,
  durationMs: 10_000,
});
const gate = (counters: Record<string, number>) => evaluateThresholds(gateThresholds({}), figures(counters)).find((t) => t.subject === 'sessions.failedRate')!;

test('interrupted sessions fail the default gate: 216 of 1,000 is 21.6%, not 0%', () => {
  const g = gate({ 'sessions.started': 1000, 'sessions.completed': 784, 'sessions.interrupted': 216 });
  assert.equal(g.ok, false);
  assert.ok(Math.abs(Number(g.actual) - 0.216) < 1e-9 || /21\.6/.test(String(g.actual)), JSON.stringify(g));
});

test('sessions.lost: started but neither completed, failed nor interrupted; counted and failing the gate', () => {
  const c = withLost({ 'sessions.started': 300, 'sessions.completed': 253 });
  assert.equal(c['sessions.lost'], 47);
  assert.equal(gate(c).ok, false);
  // a run that accounts for every session has no `sessions.lost` at all
  assert.equal(withLost({ 'sessions.started': 10, 'sessions.completed': 9, 'sessions.failed': 1 })['sessions.lost'], undefined);
  assert.equal(gate({ 'sessions.started': 1000, 'sessions.completed': 995, 'sessions.failed': 5 }).ok, true, '0.5% failed passes < 1%');
});
