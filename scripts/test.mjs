#!/usr/bin/env node
// Runs every test file under test/ with Node's built-in runner (tsx registered).
// Usage: npm test [-- --only-unit | --only-integration | --only-hostile]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const want = process.argv.slice(2);
const dirs = want.includes('--only-unit') ? ['test/unit'] : want.includes('--only-integration') ? ['test/integration'] : want.includes('--only-hostile') ? ['test/hostile'] : ['test/unit', 'test/integration', 'test/hostile'];
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(d, f)));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
