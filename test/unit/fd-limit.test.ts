/**
 * Generators get the open-file limit the plan counts on: lifted to `fs.nr_open` where this process
 * may lift it (root with CAP_SYS_RESOURCE), else the hard limit as it is (src/shared/fd-limit.ts).
 * Either way the plan's figure and a forked generator's limit agree.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { forkGenerator } from '../../src/generator/spare.ts';
import { machineLimits } from '../../src/plan/capacity.ts';
import { liftableFdLimit } from '../../src/shared/fd-limit.ts';

const softLimit = (pid: number): number => Number(/^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))![1]);

test('a forked generator holds the open-file limit the plan sized generators by', {
  skip: process.platform !== 'linux' ? 'reads /proc (Linux only)' : false,
}, async () => {
  const lifted = liftableFdLimit();
  const plan = machineLimits().fdLimit;
  const hard = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim());
  if (lifted === null) {
    process.stdout.write(
      `# the open-file limit cannot be lifted here (not root, or root without CAP_SYS_RESOURCE, or no prlimit): generators keep ulimit -Hn = ${hard}\n`,
    );
    assert.equal(plan, hard);
  } else assert.equal(plan, lifted);
  const g = forkGenerator();
  try {
    assert.ok(g.pid);
    // Node raises its soft limit to the hard one as it starts; a lifted generator has both at `lifted`
    const deadline = Date.now() + 10_000;
    while (softLimit(g.pid) !== plan && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(softLimit(g.pid), plan);
  } finally {
    g.kill('SIGKILL');
  }
});
