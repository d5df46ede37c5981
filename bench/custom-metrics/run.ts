/**
 * `ctx.metrics.record` against a built-in sample, side by side in one process (about 20 s):
 * per call, `ctx.metrics.record('fanout', ms)` (a declared custom trend) and `recorder.record('ack', ms)`
 * (how the session client records a built-in latency) into the same generator Recorder, in
 * interleaved rounds (order alternating), with the recorder flushed between rounds as a generator
 * does each second. Also `ctx.metrics.count` against a built-in counter, and `ctx.check`.
 * Writes bench/results/custom-metrics.json.
 *
 *   node --import tsx bench/custom-metrics/run.ts      RTBENCH_CM_ROUNDS=15 RTBENCH_CM_CALLS=1000000
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { CustomRecorder } from '../../src/metrics/custom.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { seededRandom } from '../../src/util/random.ts';
import { envInt, environment } from '../env.ts';
import type { CustomMetricsResult } from './report.ts';

const rounds = envInt('RTBENCH_CM_ROUNDS', 15, 3, 101);
const calls = envInt('RTBENCH_CM_CALLS', 1_000_000, 10_000, 100_000_000);
const loadBefore = os.loadavg();

const rnd = seededRandom(12);
// latencies as a server gives them: mostly a few ms, a tail to hundreds
const values = Float64Array.from({ length: 4096 }, () => (rnd() < 0.02 ? 50 + rnd() * 400 : 0.2 + rnd() * 8));
const recorder = new Recorder(0);
const custom = new CustomRecorder({ fanout: 'trend', delivered: 'counter' }, recorder);

/** ns per call of `fn(i)` over `calls` calls. */
function time(fn: (v: number) => void): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn(values[i & 4095]!);
  return Number(process.hrtime.bigint() - t0) / calls;
}

const paths = {
  builtinRecord: (v: number) => recorder.record('ack', v),
  customRecord: (v: number) => custom.record('fanout', v),
  builtinCount: (_v: number) => recorder.count('messages.received'),
  customCount: (_v: number) => custom.count('delivered'),
  check: (v: number) => void custom.check('fast', v < 5),
};
type Path = keyof typeof paths;
const names = Object.keys(paths) as Path[];
const samples: Record<Path, number[]> = { builtinRecord: [], customRecord: [], builtinCount: [], customCount: [], check: [] };

for (const n of names) time(paths[n]); // warm-up: every path optimised before measuring
recorder.flush(0);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...names].reverse() : names;
  for (const n of order) samples[n].push(time(paths[n]));
  recorder.flush(r + 1); // a generator hands over its interval each second
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Per-round ratios (side by side in the same round), and their median. */
const ratios = (a: Path, b: Path): number[] => samples[a].map((x, i) => x / samples[b][i]!);
const recordRatios = ratios('customRecord', 'builtinRecord');
const result: CustomMetricsResult = {
  date: new Date().toISOString(),
  environment: environment(loadBefore),
  config: { rounds, calls },
  nsPerCall: Object.fromEntries(names.map((n) => [n, +median(samples[n]).toFixed(2)])) as Record<Path, number>,
  ratios: {
    recordCustomOverBuiltin: +median(recordRatios).toFixed(3),
    recordRange: [+Math.min(...recordRatios).toFixed(3), +Math.max(...recordRatios).toFixed(3)],
    countCustomOverBuiltin: +median(ratios('customCount', 'builtinCount')).toFixed(3),
  },
  goal: { value: +median(recordRatios).toFixed(3), bound: 1.05, met: median(recordRatios) <= 1.05 },
};
writeFileSync(join(import.meta.dirname, '..', 'results', 'custom-metrics.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `custom-metrics: ${rounds} rounds × ${calls.toLocaleString('en-US')} calls; ns per call (median): ${names.map((n) => `${n} ${result.nsPerCall[n]}`).join(', ')}\n` +
    `  ctx.metrics.record ÷ built-in record: ${result.ratios.recordCustomOverBuiltin} (rounds ${result.ratios.recordRange.join('–')}; goal ≤ ${result.goal.bound}: ${result.goal.met ? 'met' : 'NOT met'})\n` +
    `  ctx.metrics.count ÷ built-in count: ${result.ratios.countCustomOverBuiltin}\n`,
);
process.exitCode = result.goal.met ? 0 : 1;
