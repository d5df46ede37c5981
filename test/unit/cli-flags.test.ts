import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUN_FLAG_OPTION, runFlags, runOptionsOf } from '../../src/cli/options.ts';

test('run flags: every flag of `rtbench run` is in the flag table, each RunOptions field set by one flag', () => {
  assert.deepEqual(Object.keys(RUN_FLAG_OPTION).sort(), Object.keys(runFlags).sort());
  const fields = Object.values(RUN_FLAG_OPTION).filter((f) => f !== null);
  assert.equal(new Set(fields).size, fields.length);
});

test('run flags: parsed flags map onto RunOptions through the table (switches as booleans, the command-only flags left out)', () => {
  const args = {
    target: 'http://127.0.0.1:3000',
    'dry-run': true,
    duration: '30s',
    out: 'reports/x',
    topology: 'single,lb:2',
    generators: 2,
    repeat: 3,
    quiet: undefined,
    junit: 'j.xml',
    'summary-md': 's.md',
    shard: '0/2',
    'start-at': '2030-01-01T12:00:00Z',
    'print-result-line': true,
    runtime: 'containers',
    output: ['json=live.jsonl'],
    'find-max': true,
    'on-generator-crash': 'continue',
    'show-query': 'room,lang',
    scenario: 'scenarios/echo.ts',
    $0: 'rtbench',
  };
  assert.deepEqual(runOptionsOf(args), {
    target: 'http://127.0.0.1:3000',
    dryRun: true,
    duration: '30s',
    out: 'reports/x',
    topology: 'single,lb:2',
    generators: 2,
    repeat: 3,
    quiet: false,
    junit: 'j.xml',
    summaryMd: 's.md',
    shard: '0/2',
    startAt: '2030-01-01T12:00:00Z',
    runtime: 'containers',
    outputs: ['json=live.jsonl'],
    showQuery: 'room,lang',
    onGeneratorCrash: 'continue',
  });
  const none = runOptionsOf({});
  assert.equal(none.quiet, false);
  assert.equal(none.dryRun, false);
  assert.equal(none.target, undefined);
});
