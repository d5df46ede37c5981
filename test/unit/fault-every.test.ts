import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveFaults } from '../../src/scenario/faults.ts';

test("an `every` longer than the run is named as the problem, with the fix (not 'move at earlier')", () => {
  const problems: string[] = [];
  const out = resolveFaults([{ every: '15s', network: 'drop', clients: '10%', offline: '2s' }], problems, 5000);
  assert.equal(out.length, 0, 'no fault after the run is kept');
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, /faults\[0\]\.every/);
  assert.match(problems[0]!, /'15s'/);
  assert.match(problems[0]!, /5s/);
  assert.match(problems[0]!, /shorter `every`/);
});

test('an `every` that fits repeats until the run ends', () => {
  const problems: string[] = [];
  const out = resolveFaults([{ every: '4s', network: 'drop', clients: '10%', offline: '2s' }], problems, 12_000);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    out.map((f) => f.atMs),
    [4000, 8000],
  );
});
