import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allExamples, checkExamples, extractExamples, type DocExample } from '../../scripts/docs-examples.ts';

test('docs examples: ts and typescript blocks are extracted with their lines; other languages and fragments are told apart', () => {
  const md = [
    '# Title', // 1
    '```sh', // 2
    'npx rtbench run x.ts', // 3
    '```', // 4
    '```ts', // 5
    'const a = 1;', // 6
    '```', // 7
    '````md', // 8
    '```ts', // 9: inside a Markdown block, not an example
    'nope', // 10
    '```', // 11
    '````', // 12
    '```typescript', // 13
    'const b = 2;', // 14
    'const c = 3;', // 15
    '```', // 16
    '```ts fragment', // 17
    'thresholds: {}', // 18
    '```', // 19
  ].join('\n');
  assert.deepEqual(extractExamples('x.md', md), [
    { doc: 'x.md', line: 6, code: 'const a = 1;', fragment: false },
    { doc: 'x.md', line: 14, code: 'const b = 2;\nconst c = 3;', fragment: false },
    { doc: 'x.md', line: 18, code: 'thresholds: {}', fragment: true },
  ]);
});

test('docs examples: every TypeScript example in README.md, ARCHITECTURE.md and docs/*.md type-checks (a wrong one beside them is caught, at its line)', () => {
  const examples = allExamples();
  assert.ok(
    examples.some((e) => e.doc === 'README.md' && !e.fragment && e.code.includes("from 'rtbench'")),
    'README.md has a checked scenario example',
  );
  assert.ok(examples.filter((e) => e.doc.startsWith('docs/')).length >= 5, 'docs/ pages have their examples');
  const fragments = examples.filter((e) => e.fragment).map((e) => `${e.doc}:${e.line}`);
  assert.ok(fragments.length <= 2, `examples marked \`fragment\` are not checked, so keep them rare: ${fragments.join(', ')}`);
  // one wrong example, checked in the same compiler run: proves the check sees errors in a block
  // that imports rtbench (a misspelt client call and a bare-number duration)
  const rotten: DocExample = {
    doc: 'rotten.md',
    line: 10,
    fragment: false,
    code: [
      "import { defineScenario } from 'rtbench';",
      'export default defineScenario({',
      "  name: 'rot',",
      '  phases: [{ duration: 5, arrivalRate: 1 }],',
      "  async session(client) { await client.connect(); await client.emitWithAk('echo'); },",
      '});',
    ].join('\n'),
  };
  const errors = checkExamples([...examples, rotten]);
  const inDocs = errors.filter((e) => !e.where.startsWith('rotten.md:'));
  assert.deepEqual(
    inDocs,
    [],
    `documentation examples that do not type-check (fix the doc, or the API):\n${inDocs.map((e) => `${e.where}: ${e.message}`).join('\n')}`,
  );
  const found = errors.map((e) => `${e.where.split(':').slice(0, 2).join(':')} ${/TS\d+/.exec(e.message)?.[0]}`).sort();
  assert.deepEqual(found, ['rotten.md:13 TS2322', 'rotten.md:14 TS2551'], errors.map((e) => `${e.where}: ${e.message}`).join('\n'));
});
