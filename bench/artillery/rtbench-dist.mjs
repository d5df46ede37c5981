// rtbench as an installed package runs it: the compiled dist/ (`npm run build`), no TypeScript
// loader for rtbench itself (only the scenario file goes through it). bench/artillery.ts builds
// dist/ first and runs rtbench through this file, so its start-up CPU is what a CI gate pays.
const { cli } = await import('../../dist/src/cli/main.js');
process.exitCode = await cli(process.argv.slice(2));
