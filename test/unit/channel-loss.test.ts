/**
 * Channel messages (`publish`) lost, duplicated or out of order count in the fault windows and in
 * the console summary, as broadcasts and pushes do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultWindows } from '../../src/faults/windows.ts';
import { Aggregator } from '../../src/metrics/aggregate.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { buildRunResult } from '../../src/collect/build.ts';
import type { RunFile } from '../../src/result/types.ts';
import { formatSummary } from '../../src/reporters/console-summary.ts';
import { renderMarkdown } from '../../src/reporters/markdown.ts';
import type { ResolvedFault } from '../../src/scenario/faults.ts';

const kill = (atMs: number): ResolvedFault => ({ label: 'kill worker 1', atMs, action: 'kill', role: 'worker', index: 1, forMs: null, command: null, on: [] });

test('fault windows: channel gaps, duplicates and out-of-order deliveries are lost/dup/ooo of the window they fall in', () => {
  const w = new FaultWindows([kill(2000), kill(4000)]);
  const rec = new Recorder(0);
  const second = (t: number, counts: Record<string, number>): void => {
    for (const [k, n] of Object.entries(counts)) rec.count(k, n);
    rec.record('publish', 1);
    w.onSnapshot(rec.flush(t));
  };
  second(1, { 'publish.gaps': 100 }); // before the first fault: the baseline, in no window
  second(2, { 'publish.gaps': 7, 'publish.duplicates': 2, 'publish.outOfOrder': 1, 'broadcast.gaps': 3 });
  second(3, { 'publish.gaps': 5, 'push.duplicates': 1 });
  second(4, { 'publish.outOfOrder': 4 });
  const [first, next] = [w.impact(0), w.impact(1)];
  assert.deepEqual([first.lost, first.duplicated, first.outOfOrder], [7 + 3 + 5, 2 + 1, 1]);
  assert.deepEqual([next.lost, next.duplicated, next.outOfOrder], [0, 0, 4]);
  assert.deepEqual(first.window, { fromS: 2, toS: 4 });
});

test('console and Markdown summaries: the `publish` sequence line whenever channel messages arrived, zeros shown', () => {
  const agg = new Aggregator();
  const rec = new Recorder(0);
  rec.record('publish', 2);
  rec.count('publish.gaps', 32);
  rec.count('publish.duplicates', 1);
  agg.add(rec.flush(0));
  const r = buildRunResult(
    agg,
    {
      target: 'http://127.0.0.1:1',
      status: 'completed',
      startedAt: 'x',
      durationMs: 1000,
      processes: [],
      topology: 'socketcluster:2',
      engine: 'socketcluster',
    },
    [],
  );
  const file: RunFile = {
    schema: 'rtbench.result/v1',
    scenario: { name: 'unit', file: 'u.ts', options: {} },
    environment: { rtbench: '0', node: 'v20', platform: 'linux', arch: 'x64', cpus: { model: 'x', count: 2 }, memoryGb: 1, hostname: 'h', gitSha: null },
    createdAt: '',
    runs: [r],
  };
  assert.match(formatSummary(file), /sequence: publish gaps 32, duplicates 1, out of order 0/);
  assert.match(renderMarkdown(file), /publish gaps 32, duplicates 1, out of order 0/);
  const quiet = new Aggregator();
  const rec2 = new Recorder(0);
  rec2.record('publish', 2);
  quiet.add(rec2.flush(0));
  assert.match(
    formatSummary({
      ...file,
      runs: [
        buildRunResult(
          quiet,
          { target: 'http://127.0.0.1:1', status: 'completed', startedAt: 'x', durationMs: 1000, processes: [], topology: 's', engine: 'e' },
          [],
        ),
      ],
    }),
    /sequence: publish gaps 0, duplicates 0, out of order 0/,
  );
});
