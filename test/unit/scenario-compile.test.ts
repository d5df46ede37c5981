import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { importCompiled } from '../../src/scenario/compile.ts';
import { defaultExport, loadScenario } from '../../src/scenario/load.ts';
import { describeUserError } from '../../src/scenario/user-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'rtbench-compile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const load = async (abs: string): Promise<Record<string, unknown>> =>
  defaultExport((await importCompiled(abs)) as { default?: unknown }) as Record<string, unknown>;

test('compile: a local TypeScript helper loads; import.meta and rtbench resolve as in the scenario', async () => {
  file('helper.ts', 'export const rate = (n: number): number => n * 2;\n');
  const abs = file(
    'esm.ts',
    "import { defineScenario } from 'rtbench';\nimport { rate } from './helper.ts';\nexport default defineScenario({ name: import.meta.dirname + ':' + rate(5), phases: [], async session() {} });\n",
  );
  const s = await load(abs);
  assert.equal(s.name, `${dir}:10`);
});

test('compile: CommonJS scenarios (.cts): require, __filename and the default export', async () => {
  const abs = file(
    'cjs.cts',
    "const os = require('node:os');\nimport path = require('node:path');\nexport default { name: typeof os.cpus + ':' + path.basename(__filename) };\n",
  );
  assert.equal((await load(abs)).name, 'function:cjs.cts');
});

test('compile: an ES module scenario with its own createRequire', async () => {
  const abs = file(
    'own.mts',
    "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport default { name: typeof require('node:path').join };\n",
  );
  assert.equal((await load(abs)).name, 'function');
});

test('compile: an error thrown by the scenario points at its own file and line', async () => {
  const abs = file('throws.ts', "const n: number = 1;\n\nexport default {\n  session() {\n    throw new Error('on line 5 ' + n);\n  },\n};\n");
  const s = await load(abs);
  assert.throws(
    () => (s.session as () => void)(),
    (e: Error) => e.stack!.includes(`${abs}:5:`),
  );
});

test('compile: TypeScript spellings of relative imports (none, .js, folder) find the .ts files', async () => {
  file('two.ts', 'export const two: number = 2;\n');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'lib/index.ts'), 'export const three: number = 3;\n');
  const abs = file(
    'spell.ts',
    "import { two } from './two';\nimport { two as again } from './two.js';\nimport { three } from './lib';\nexport default { name: `${two}${again}${three}` };\n",
  );
  assert.equal((await load(abs)).name, '223');
});

test('compile: a CommonJS scenario requires its local TypeScript (./x, ./x.ts, ./x.js, .cts); an error in a helper names the helper line', async () => {
  mkdirSync(join(dir, 'req'), { recursive: true });
  writeFileSync(join(dir, 'req/util.ts'), "import { sep } from 'node:path';\ntype N = number;\nexport const four: N = 4;\nexport const slash = sep;\n");
  writeFileSync(join(dir, 'req/more.cts'), 'const five: number = 5;\nmodule.exports = { five };\n');
  writeFileSync(
    join(dir, 'req/bad.ts'),
    "type X = { a: number };\nconst x: X = { a: 1 };\nexport function boom(): never {\n  throw new Error('helper ' + x.a);\n}\n",
  );
  const abs = file(
    'req.cts',
    "const a = require('./req/util');\nconst b = require('./req/util.ts');\nconst c = require('./req/util.js');\nconst { five } = require('./req/more');\nconst { boom } = require('./req/bad');\nmodule.exports = { name: `${a.four}${b.four}${c.four}${five}${a.slash}`, boom };\n",
  );
  const s = await load(abs);
  assert.equal(s.name, '4445/');
  assert.throws(
    () => (s.boom as () => void)(),
    (e: Error) => describeUserError(e, abs).includes(`${join(dir, 'req/bad.ts')}:4:`),
  );
});

test('compile: a CommonJS .ts (no package.json type) with module.exports and no export statement', async () => {
  const abs = file(
    'plain.ts',
    "const path = require('node:path') as typeof import('node:path');\nmodule.exports = { name: path.basename(__dirname) + ':' + typeof exports };\n",
  );
  assert.equal((await load(abs)).name, `${basename(dir)}:object`);
});

test('compile: an ES module project (.ts under "type": "module") has no CommonJS names', async () => {
  mkdirSync(join(dir, 'esm-pkg'), { recursive: true });
  writeFileSync(join(dir, 'esm-pkg/package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'esm-pkg/s.ts'), 'export default { name: typeof require + typeof import.meta.url };\n');
  assert.equal((await load(join(dir, 'esm-pkg/s.ts'))).name, 'undefinedstring');
});

test('compile: each import evaluates the scenario and its local files afresh; frames still name the file', async () => {
  file('env-helper.ts', 'export const seen: string = String(process.env.RTBENCH_TEST_COMPILE);\n');
  const abs = file(
    'again.ts',
    "import { seen } from './env-helper';\nexport default {\n  name: seen,\n  session() {\n    throw new Error('line 5');\n  },\n};\n",
  );
  process.env.RTBENCH_TEST_COMPILE = 'one';
  assert.equal((await load(abs)).name, 'one');
  process.env.RTBENCH_TEST_COMPILE = 'two';
  const second = await load(abs);
  delete process.env.RTBENCH_TEST_COMPILE;
  assert.equal(second.name, 'two', 'evaluated again, with its helper');
  try {
    (second.session as () => void)();
    assert.fail('session throws');
  } catch (e) {
    assert.match(describeUserError(e, abs), new RegExp(`Error: line 5 \\(.*${abs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+\\)`));
  }
});

test('load: a syntax error names the scenario file, line and column', async () => {
  const abs = file('syntax.ts', 'const a: number = 1;\nconst b = (;\n');
  await assert.rejects(
    loadScenario(abs),
    (e: Error & { code?: string; format?: () => string }) => e.code === 'E_SCENARIO_LOAD' && String(e.format?.()).includes(`${abs}:2:12: Unexpected token`),
  );
});

test('load: a package the scenario cannot resolve, and rtbench outside a project, say what to do', async () => {
  const missing = file('missing.ts', "import x from 'no-such-package-rtbench-test';\nexport default x;\n");
  await assert.rejects(
    loadScenario(missing),
    (e: Error & { code?: string }) => e.code === 'E_SCENARIO_LOAD' && !/namespace=/.test(String((e as { format?: () => string }).format?.())),
  );
});
