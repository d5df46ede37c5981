/**
 * What the generators' event-loop-delay monitor costs on its own: an otherwise idle plain-node
 * process (no tsx loader, whose worker thread would blur the figure) with `monitorEventLoopDelay`
 * at each resolution (0 = off) for 10 s; CPU (user + system) per second. The generators sample
 * at 10 ms for the saturation verdict (src/metrics/health.ts).
 *
 *   node --import tsx bench/loop-delay-cost.ts
 */
import { spawnSync } from 'node:child_process';

const SECONDS = 10;
const CHILD = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const resolution = Number(process.argv[1]);
if (resolution > 0) monitorEventLoopDelay({ resolution }).enable();
const c0 = process.cpuUsage();
setTimeout(() => {
  const c = process.cpuUsage(c0);
  process.stdout.write(((c.user + c.system) / ${SECONDS} / 1000).toFixed(1));
}, ${SECONDS * 1000});
`;

for (const resolution of [0, 10, 25, 50]) {
  const r = spawnSync(process.execPath, ['-e', CHILD, String(resolution)], { encoding: 'utf8' });
  console.log(`monitorEventLoopDelay ${resolution ? `resolution ${resolution} ms` : 'off'}: ${r.stdout.trim()} ms of CPU per second`);
}
