import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { importCompiled } from '../../src/scenario/compile.ts';
import { defaultExport, loadScenario } from '../../src/scenario/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'rtbench-compile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const load = async (abs: string): Promise<Record<string, unknown>> => defaultExport((await importCompiled(abs)) as { default?: unknown }) as Record<string, unknown>;

test('compile: a local TypeScript helper is bundled; import.meta and rtbench resolve as in the scenario', async () => {
  file('helper.ts', 'export const rate = (n: number): number => n * 2;\n');
  const abs = file('esm.ts', "import { defineScenario } from 'rtbench';\nimport { rate } from './helper.ts';\nexport default defineScenario({ name: import.meta.dirname + ':' + rate(5), phases: [], async session() {} });\n");
  const s = await load(abs);
  assert.equal(s.name, `${dir}:10`);
});

test('compile: CommonJS scenarios (.cts): require, __filename and the default export', async () => {
  const abs = file('cjs.cts', "const os = require('node:os');\nimport path = require('node:path');\nexport default { name: typeof os.cpus + ':' + path.basename(__filename) };\n");
  assert.equal((await load(abs)).name, 'function:cjs.cts');
});

test('compile: an ES module scenario with its own createRequire', async () => {
  const abs = file('own.mts', "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport default { name: typeof require('node:path').join };\n");
  assert.equal((await load(abs)).name, 'function');
});

test('compile: an error thrown by the scenario points at its own file and line', async () => {
  const abs = file('throws.ts', "const n: number = 1;\n\nexport default {\n  session() {\n    throw new Error('on line 5 ' + n);\n  },\n};\n");
  const s = await load(abs);
  assert.throws(() => (s.session as () => void)(), (e: Error) => e.stack!.includes(`${abs}:5:`));
});

test('load: a package the scenario cannot resolve, and rtbench outside a project, say what to do', async () => {
  const missing = file('missing.ts', "import x from 'no-such-package-rtbench-test';\nexport default x;\n");
  await assert.rejects(loadScenario(missing), (e: Error & { code?: string }) => e.code === 'E_SCENARIO_LOAD' && !/namespace=/.test(String((e as { format?: () => string }).format?.())));
});
