#!/usr/bin/env node
// rtbench CLI entry: registers tsx so the TypeScript sources (and users' scenario files) run with no build step.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../src/cli/main.ts');
process.exitCode = await cli(process.argv.slice(2));
