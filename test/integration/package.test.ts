/**
 * The package as users get it: `npm pack`, then the tarball installed by a plain `npm install` (from
 * the npm cache, --prefer-offline) into fresh ESM and CommonJS projects; there a `.ts`/`.mts`/`.cts`
 * scenario runs through `npx rtbench run` against the embedded server, the programmatic API runs
 * from plain `node` (.mjs) and `require`, and the types resolve for the project's TypeScript. The heavy
 * optional parts are optional peer dependencies: neither that install nor a later `npm install
 * socket.io` brings them. `npm test` runs this file on the machine's Node and on Node 22 and 24
 * (scripts/test.mjs puts that Node first on PATH, so `npm`, `npx rtbench` and `node` run on it too).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { dirSizeBytes } from '../../bench/package-size.ts';
import { OPTIONAL_PACKAGES } from '../../src/shared/optional.ts';

const REPO = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'rtbench-pkg-'));
let tarball = '';
let files: string[] = [];

const sh = (cmd: string, args: string[], cwd: string, timeoutMs = 120_000): SpawnSyncReturns<string> => {
  // no inherited TSX_TSCONFIG_PATH: the projects are users' projects, not this checkout
  const { TSX_TSCONFIG_PATH: _, ...env } = process.env;
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...env, NO_COLOR: '1' } });
};
const ok = (r: SpawnSyncReturns<string>, what: string): string => {
  assert.equal(r.status, 0, `${what} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

const SCENARIO = `import { defineScenario } from 'rtbench';

export default defineScenario({
  name: 'package check',
  phases: [{ duration: '2s', arrivalRate: 5 }],
  thresholds: { 'connect.p99': '< 5s' },
  async session(client) {
    await client.connect();
    await client.emitWithAck('echo', 1);
    await client.disconnect();
  },
});
`;

/** `npm install ARGS` in DIR, plain (optional packages not omitted), offline when the cache has it; npm must print no install-script warning. */
function npmInstall(dir: string, args: string[], what: string): void {
  const r = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], dir, 180_000);
  ok(r, `${what} in ${dir}`);
  assert.doesNotMatch(
    `${r.stdout}\n${r.stderr}`,
    /install-scripts|install script/i,
    `${what} printed no install-script warning (no package of the install has an install script)`,
  );
}

/** The optional peers found in DIR/node_modules: none, unless the project asked for them. */
const optionalPeersIn = (dir: string): string[] => Object.keys(OPTIONAL_PACKAGES).filter((p) => existsSync(join(dir, 'node_modules', p, 'package.json')));

/** A fresh project (`npm init -y` shape) with the tarball installed by a plain `npm install`. */
function project(name: string, type: 'module' | 'commonjs'): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type, private: true }, null, 2));
  npmInstall(dir, [tarball], 'npm install of the tarball');
  assert.deepEqual(optionalPeersIn(dir), [], 'a plain install brings none of the optional peers');
  return dir;
}

/** `npx rtbench run FILE` in DIR, a short run: the result.json it wrote. */
function runScenario(dir: string, file: string): { connects: number; sessions: number } {
  const out = join(dir, `out-${file}`);
  ok(sh('npx', ['--no-install', 'rtbench', 'run', file, '--out', out, '--generators', '1', '--quiet'], dir), `npx rtbench run ${file}`);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    environment: { node: string };
    runs: Array<{ counters: Record<string, number>; metrics: { connect?: { count: number } } }>;
  };
  // the lane's Node (scripts/test.mjs puts it first on PATH) is the one the user's rtbench ran on
  assert.equal(result.environment.node, process.version, `npx rtbench ran on this test's Node`);
  const r = result.runs[0]!;
  return { connects: r.metrics.connect?.count ?? 0, sessions: r.counters['sessions.completed'] ?? 0 };
}

before(() => {
  const r = ok(sh('npm', ['pack', '--json', '--pack-destination', root], REPO, 180_000), 'npm pack');
  const info = JSON.parse(r.slice(r.indexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(root, info[0]!.filename);
  files = info[0]!.files.map((f) => f.path);
});

after(() => rmSync(root, { recursive: true, force: true }));

test('package: the tarball holds only what users run', () => {
  for (const must of [
    'package.json',
    'README.md',
    'bin/rtbench.js',
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'dist/src/cli/main.js',
    'dist/src/generator/child.js',
    'dist/reference-server/process.js',
    'dist/src/reporters/html/client.js',
    // error hints and README name these pages: an installed user has them
    'docs/topologies.md',
    'docs/scenarios.md',
  ]) {
    assert.ok(files.includes(must), `${must} is in the tarball`);
  }
  const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|bin\/rtbench\.js|dist\/.+\.(js|d\.ts)|docs\/[\w-]+\.md)$/.test(f));
  assert.deepEqual(stray, [], 'nothing but the compiled package, its bin and docs');
  assert.ok(!files.some((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')), 'no TypeScript sources');
});

test('package: CommonJS project (npm init -y): .ts, .cts and .mts scenarios via npx, require and import', () => {
  const dir = project('cjs-project', 'commonjs');
  const size = dirSizeBytes(join(dir, 'node_modules'));
  assert.ok(size < 40 * 2 ** 20, `a plain install of the tarball: under 40 MB (got ${(size / 2 ** 20).toFixed(1)} MB)`);
  // npm does not remember `--omit`, but optional peers are never installed unasked: a later plain
  // install of something else (the user's own server library) leaves them out too
  npmInstall(dir, ['socket.io'], 'a later `npm install socket.io`');
  assert.deepEqual(optionalPeersIn(dir), [], 'npm install socket.io brings none of the optional peers');
  const after = dirSizeBytes(join(dir, 'node_modules'));
  process.stdout.write(`# node_modules: ${(size / 2 ** 20).toFixed(1)} MB after the tarball, ${(after / 2 ** 20).toFixed(1)} MB after npm install socket.io\n`);
  assert.ok(after < 45 * 2 ** 20, `after npm install socket.io: under 45 MB (got ${(after / 2 ** 20).toFixed(1)} MB)`);
  for (const ext of ['ts', 'cts', 'mts']) {
    writeFileSync(join(dir, `scenario.${ext}`), SCENARIO);
    const r = runScenario(dir, `scenario.${ext}`);
    assert.equal(r.connects, 10, `${ext}: 2 s × 5 arrivals/s connected`);
    assert.equal(r.sessions, 10, `${ext}: every session completed`);
  }
  // a CommonJS scenario that requires its project's own TypeScript helpers, as CommonJS code does
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib/events.ts'), "export const ECHO: string = 'echo';\nexport const payload = (n: number): { n: number } => ({ n });\n");
  writeFileSync(join(dir, 'lib/rate.cts'), 'const rate: number = 5;\nmodule.exports = { rate };\n');
  writeFileSync(
    join(dir, 'helpers.cts'),
    SCENARIO.replace(
      "import { defineScenario } from 'rtbench';",
      "const { defineScenario } = require('rtbench');\nconst { ECHO, payload } = require('./lib/events');\nconst { rate } = require('./lib/rate');",
    )
      .replace('arrivalRate: 5', 'arrivalRate: rate')
      .replace("emitWithAck('echo', 1)", 'emitWithAck(ECHO, payload(1))')
      .replace('export default defineScenario', 'module.exports = defineScenario'),
  );
  const helpers = runScenario(dir, 'helpers.cts');
  assert.equal(helpers.connects, 10, 'require of ./lib/events (.ts) and ./lib/rate (.cts)');
  assert.equal(helpers.sessions, 10);
  writeFileSync(
    join(dir, 'api.cjs'),
    "const r = require('rtbench');\nconsole.log(JSON.stringify({ define: typeof r.defineScenario, run: typeof r.run, ok: r.ExitCode.ok, same: r.defineScenario({ name: 'x' }).name }));\n",
  );
  assert.deepEqual(JSON.parse(ok(sh('node', ['api.cjs'], dir), 'require(rtbench)')), { define: 'function', run: 'function', ok: 0, same: 'x' });
  // a scenario outside any project that has rtbench: the error says to install it there
  mkdirSync(join(root, 'elsewhere'));
  writeFileSync(join(root, 'elsewhere/scenario.ts'), SCENARIO);
  const outside = sh('npx', ['--no-install', 'rtbench', 'run', join(root, 'elsewhere/scenario.ts'), '--quiet'], dir);
  assert.notEqual(outside.status, 0);
  assert.match(outside.stderr, /E_SCENARIO_LOAD/);
  assert.match(outside.stderr, /npm install --save-dev rtbench/);
  assert.doesNotMatch(outside.stderr, /internal error|\n\s+at /);
  // an optional part that is not installed: named, with the command to add it
  const router = sh('npx', ['--no-install', 'rtbench', 'run', 'scenario.ts', '--topology', 'router:1x1', '--quiet'], dir);
  assert.notEqual(router.status, 0);
  assert.match(router.stderr, /E_MISSING_PACKAGE/);
  assert.match(router.stderr, /npm install zeromq/);
  assert.doesNotMatch(router.stderr, /internal error|\n\s+at /);
});

test('package: ESM project: .ts scenario via npx, the programmatic API from plain node, and the types', () => {
  const dir = project('esm-project', 'module');
  writeFileSync(join(dir, 'scenario.ts'), SCENARIO);
  const r = runScenario(dir, 'scenario.ts');
  assert.equal(r.connects, 10);
  writeFileSync(
    join(dir, 'api.mjs'),
    "import { run } from 'rtbench';\nconst quiet = { write() {}, isTTY: false };\nconst o = await run('scenario.ts', { out: 'out-api', generators: 1, quiet: true, stdout: quiet, stderr: quiet });\nconsole.log(JSON.stringify({ exitCode: o.exitCode, connects: o.file.runs[0].metrics.connect.count }));\n",
  );
  assert.deepEqual(
    JSON.parse(
      ok(sh('node', ['api.mjs'], dir), 'node api.mjs')
        .trim()
        .split('\n')
        .pop()!,
    ),
    { exitCode: 0, connects: 10 },
  );
  // the `types` export: a TypeScript project (strict, NodeNext, with @types/node as any Node project
  // has; the repository's copy) checks the scenario against it, declaration files included
  const tsconfig = (file: string): string =>
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        noEmit: true,
        typeRoots: [join(REPO, 'node_modules/@types')],
        types: ['node'],
        skipLibCheck: false,
      },
      files: [file],
    });
  const tsc = (config: string): SpawnSyncReturns<string> => sh(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', config], dir);
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig('scenario.ts'));
  ok(tsc('tsconfig.json'), 'tsc on the scenario');
  writeFileSync(
    join(dir, 'bad.ts'),
    "import { defineScenario } from 'rtbench';\nexport default defineScenario({ name: 1, phases: [], async session() {} });\n",
  );
  writeFileSync(join(dir, 'tsconfig.bad.json'), tsconfig('bad.ts'));
  const bad = tsc('tsconfig.bad.json');
  assert.match(bad.stdout, /bad\.ts.*TS2322/, 'a wrong field type is a type error: the types are real');
});
