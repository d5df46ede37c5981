import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importGraph, findCycles, forbiddenImports, longFiles } from '../../scripts/layers.ts';

const graph = importGraph(['src', 'reference-server']);

test('layers: no import cycles in src/ and reference-server/ (type-only imports included)', () => {
  const cycles = findCycles(graph);
  assert.deepEqual(cycles.map((c) => c.join(' → ')), []);
});

test('layers: reference-server/ imports src/ only through src/shared/, src/ reaches it only through reference-server/index.ts', () => {
  assert.deepEqual(forbiddenImports(graph), []);
});

test('layers: the checks catch what they look for (a planted cycle and cross-import)', () => {
  const planted = new Map(graph);
  planted.set('src/a.ts', ['src/b.ts']);
  planted.set('src/b.ts', ['src/a.ts', 'reference-server/start.ts']);
  planted.set('reference-server/x.ts', ['src/run/run.ts']);
  assert.equal(findCycles(planted).length, findCycles(graph).length + 1);
  assert.deepEqual(forbiddenImports(planted).sort(), ['reference-server/x.ts imports src/run/run.ts (only src/shared/ is allowed)', 'src/b.ts imports reference-server/start.ts (only reference-server/index.ts is allowed)']);
});

test('layers: source files stay under ~400 lines (a few known exceptions, listed)', () => {
  // the lean engine's WebSocket client and its engine are long by nature (a protocol each), kept whole on purpose;
  const allowed = new Set(['src/clients/lean/wsclient.ts', 'src/clients/socketio-lean.ts']);
  assert.deepEqual(longFiles(['src', 'reference-server'], 450).filter((f) => !allowed.has(f.split(':')[0]!)), []);
});
