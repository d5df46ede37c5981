import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { anchorOf, anchorsOf, brokenLinks } from '../../scripts/docs-links.ts';

const readme = readFileSync('README.md', 'utf8');

test('README: at most 400 lines, what a newcomer needs first; the rest lives in docs/ and ARCHITECTURE.md', () => {
  const lines = readme.split('\n').length;
  assert.ok(lines <= 400, `README.md has ${lines} lines: move the new sections into the matching docs/*.md page (see README's Documentation table)`);
  for (const page of readdirSync('docs').filter((f) => f.endsWith('.md'))) {
    assert.ok(readme.includes(`](docs/${page})`), `docs/${page} is linked from README's Documentation table (a page nobody can find is not documentation)`);
  }
  for (const page of [
    'docs/scenarios.md',
    'docs/own-server.md',
    'docs/metrics.md',
    'docs/reports.md',
    'docs/topologies.md',
    'docs/faults.md',
    'docs/capacity-search.md',
    'docs/live-outputs.md',
    'docs/distributed.md',
    'docs/timing.md',
    'ARCHITECTURE.md',
  ]) {
    assert.ok(readme.includes(`](${page})`), `README links ${page}`);
  }
});

test('README: the two commands, the second exactly what .ci/run runs', () => {
  assert.match(readme, /^npm install && npx rtbench run scenarios\/churn\.ts\b/m);
  const test = /^(npm install && npm test)\s+# the test suite \(what \.ci\/run runs\)$/m.exec(readme);
  assert.ok(test, 'README gives the test command as `npm install && npm test   # the test suite (what .ci/run runs)`');
  const ci = readFileSync('.ci/run', 'utf8')
    .split('\n')
    .map((l) => l.trim());
  assert.ok(ci.includes(test[1]!), `.ci/run runs README's test command \`${test[1]}\` as a line of its own`);
});

test('docs links: GitHub anchors, and every relative link of README, ARCHITECTURE, docs/ and BENCHMARKS resolves', () => {
  assert.equal(anchorOf('## Timing (coordinated omission)'), 'timing-coordinated-omission');
  assert.equal(anchorOf('### The `socket.io-lean` engine'), 'the-socketio-lean-engine');
  assert.equal(anchorOf('## Capacity search: how much can it take?'), 'capacity-search-how-much-can-it-take');
  assert.deepEqual([...anchorsOf('# A\n```sh\n# not a heading\n```\n## A\n### B')], ['a', 'a-1', 'b']);
  // a probe page beside the real ones: a missing file and a missing heading are caught, a good link is not
  const probe = '[ok](timing.md#benchmarks) [file](nowhere.md) [anchor](timing.md#no-such-heading) `[code](x.md)` [web](https://example.com/x)';
  assert.deepEqual(brokenLinks(['docs/probe.md'], { 'docs/probe.md': probe }), [
    'docs/probe.md:1: nowhere.md (no file docs/nowhere.md)',
    'docs/probe.md:1: timing.md#no-such-heading (docs/timing.md has no heading #no-such-heading)',
  ]);
  const broken = brokenLinks();
  assert.deepEqual(broken, [], `broken links:\n${broken.join('\n')}`);
});

test('ARCHITECTURE: its layout names every folder of src/ and reference-server/', () => {
  const arch = readFileSync('ARCHITECTURE.md', 'utf8');
  const folders = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${dir}/${d.name}/`);
  const missing = [
    ...folders('src').filter((f) => !arch.includes(f)),
    ...folders('reference-server').filter((f) => !arch.includes(f.replace('reference-server/', ''))),
  ];
  assert.deepEqual(missing, [], `add these folders to ARCHITECTURE.md's Layout, with what they hold: ${missing.join(', ')}`);
});
