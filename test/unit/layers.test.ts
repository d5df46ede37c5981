import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  importGraph,
  findCycles,
  forbiddenImports,
  longFiles,
  moduleState,
  RANKS,
  RANK_EXCEPTIONS,
  unrankedFolders,
  upwardImports,
} from '../../scripts/layers.ts';

const graph = importGraph(['src', 'reference-server']);

test('layers: no import cycles in src/ and reference-server/ (type-only imports included)', () => {
  const cycles = findCycles(graph);
  assert.deepEqual(
    cycles.map((c) => c.join(' → ')),
    [],
  );
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
  assert.deepEqual(forbiddenImports(planted).sort(), [
    'reference-server/x.ts imports src/run/run.ts (only src/shared/ is allowed)',
    'src/b.ts imports reference-server/start.ts (only reference-server/index.ts is allowed)',
  ]);
});

test('layers: every folder of src/ has a floor, and no folder imports one on its floor or above (less the listed exceptions)', () => {
  assert.deepEqual(unrankedFolders(graph), []);
  assert.deepEqual(upwardImports(graph), []);
  for (const e of RANK_EXCEPTIONS) assert.ok(e.why.length > 20, `exception ${e.from} → ${e.to} says why`);
  assert.ok(RANK_EXCEPTIONS.length <= 2, 'the exceptions do not grow: move the code instead');
});

test('layers: the rank check catches an import up a floor, one across a floor, an unranked folder and a stale exception', () => {
  const planted = new Map(graph);
  planted.set('src/metrics/x.ts', ['src/run/run.ts', 'src/metrics/aggregate.ts']); // up
  planted.set('src/target/x.ts', ['src/faults/windows.ts']); // across: the same floor
  planted.set('src/newfolder/x.ts', ['src/shared/errors.ts']);
  assert.deepEqual(upwardImports(planted), [
    `src/metrics/x.ts imports src/run/run.ts (src/metrics is on floor ${RANKS.findIndex((r) => r.includes('src/metrics'))}, src/run on floor ${RANKS.findIndex((r) => r.includes('src/run'))})`,
    `src/target/x.ts imports src/faults/windows.ts (src/target is on floor ${RANKS.findIndex((r) => r.includes('src/target'))}, src/faults on floor ${RANKS.findIndex((r) => r.includes('src/faults'))})`,
  ]);
  assert.deepEqual(unrankedFolders(planted), ['src/newfolder']);
  assert.deepEqual(upwardImports(graph, RANKS, [...RANK_EXCEPTIONS, { from: 'src/shared/', to: 'src/cli/', why: 'planted' }]), [
    'exception src/shared/ → src/cli/ is not used any more: remove it',
  ]);
});

test('layers: source files stay under 400 lines (no exceptions)', () => {
  assert.deepEqual(longFiles(['src', 'reference-server'], 400), []);
});

test('layers: no module-level mutable state in src/ and reference-server/ (no top-level let/var, no top-level Map/Set/[]/{} to fill later)', () => {
  // owned objects instead: the lean engine's per-target values live in an EngineMemo per generator run,
  // the container runtime's image build in an ImageBuilds per topology start. Nothing is allowed here.
  const allowed = new Set<string>();
  assert.deepEqual(
    moduleState(['src', 'reference-server']).filter((m) => !allowed.has(m.replace(/:\d+:.*/, ''))),
    [],
  );
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
        "const g: ReadonlySet<string> = new Set(['x']);",
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
        "  static readonly NAME = 'c';",
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
