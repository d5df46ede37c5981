#!/usr/bin/env node
// rtbench CLI entry. The installed package runs its compiled JavaScript (dist/); a repository
// checkout (src/ beside bin/) runs the TypeScript sources through tsx, so there is no build step
// and no stale dist/ while developing. Only the user's scenario file goes through the TypeScript
// loader in the installed package.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
let cli;
if (existsSync(sources)) {
  // the checkout's tsconfig maps `rtbench` to src/index.ts for the bundled scenarios, whatever the cwd
  process.env.TSX_TSCONFIG_PATH ??= new URL('../tsconfig.json', import.meta.url).pathname;
  const { register } = await import('tsx/esm/api');
  register();
  ({ cli } = await import(sources.href));
} else {
  ({ cli } = await import('../dist/src/cli/main.js'));
}
process.exitCode = await cli(process.argv.slice(2));
