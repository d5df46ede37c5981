import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importGraph, findCycles, forbiddenImports, longFiles, moduleState } from '../../scripts/layers.ts';

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

test('layers: source files stay under 400 lines (no exceptions)', () => {
  assert.deepEqual(longFiles(['src', 'reference-server'], 400), []);
});

test('layers: no module-level mutable state in src/ and reference-server/ (no top-level let/var, no top-level Map/Set/[]/{} to fill later)', () => {
  // owned objects instead: the lean engine's per-target values live in an EngineMemo per generator run,
  // the container runtime's image build in an ImageBuilds per topology start. Nothing is allowed here.
  const allowed = new Set<string>();
  assert.deepEqual(moduleState(['src', 'reference-server']).filter((m) => !allowed.has(m.replace(/:\d+:.*/, ''))), []);
});

test('layers: the module-state check catches a top-level let, var, container, a const written through, a mutable static; not lookup tables or locals', () => {
  const dir = mkdtempSync(join(import.meta.dirname, '..', '..', '.tmp-layers-'));
  try {
    writeFileSync(
      join(dir, 'x.ts'),
      [
        'let a = 0;',
        'export let b: string | null = null;',
        'var c = 1;',
        'const d = new Map<string, number>();',
        'const e: number[] = [];',
        'const f = {};',
        'const g: ReadonlySet<string> = new Set([\'x\']);',
        'const h = [1, 2];',
        '/*',
        'let inComment = 1;',
        '*/',
        'function k(): void {',
        '  let local = 0;',
        '  local++;',
        '}',
        'const state = { count: 0, list: [1] };',
        'export function bump(): void {',
        '  state.count++;',
        '}',
        'const table = { a: 1 };',
        'const read = table.a === 1 && h[0] === 1;',
        'class C {',
        '  static made = 0;',
        '  static readonly NAME = \'c\';',
        '  static of(): C { return new C(); }',
        '}',
      ].join('\n'),
    );
    const rel = relative(join(import.meta.dirname, '..', '..'), dir);
    assert.deepEqual(moduleState([rel]), [
      `${rel}/x.ts:1: let a`,
      `${rel}/x.ts:2: export let b`,
      `${rel}/x.ts:3: var c`,
      `${rel}/x.ts:4: const d = new Map`,
      `${rel}/x.ts:5: const e: number[] = []`,
      `${rel}/x.ts:6: const f = {}`,
      `${rel}/x.ts:18: state.count++ (module-level state written)`,
      `${rel}/x.ts:23: static made = (static field, not readonly)`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
