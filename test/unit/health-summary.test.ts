import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessSaturation, HealthMonitor, summarizeHealth, type HealthSample } from '../../src/metrics/health.ts';
import { formatSummary } from '../../src/reporters/console-summary.ts';
import type { GeneratorHealth, RunFile } from '../../src/result/types.ts';

const sample = (cpu: number, loop = 5): HealthSample => ({
  t: 0,
  cpu,
  loopDelayP99: loop,
  loopDelayMax: loop,
  gcPauseMs: 0,
  gcPauseMax: 0,
  rssMb: 100,
  clients: 10,
});

test('saturation: hot CPU over a share of seconds, loop delay, schedule lag', () => {
  const calm = summarizeHealth(0, 1, [sample(40), sample(50), sample(60), sample(30)], 10);
  assert.deepEqual(assessSaturation([calm]), { saturated: false, verdict: 'ok', reasons: [] });
  const hot = summarizeHealth(1, 2, [sample(95), sample(97), sample(60), sample(99), sample(50)], 10);
  const v = assessSaturation([calm, hot]);
  assert.equal(v.saturated, true);
  assert.match(v.reasons[0]!, /generator 1: CPU above 85% in 60% of seconds/);
  const oneSpike = summarizeHealth(0, 1, [sample(99), sample(20)], 10);
  assert.equal(assessSaturation([oneSpike]).saturated, false, 'one warm-up second is not saturation');
  const laggy = summarizeHealth(0, 1, [sample(20, 120)], 10);
  assert.match(assessSaturation([laggy]).reasons[0]!, /event-loop delay p99 reached 120ms/);
  const lag = { count: 100, min: 0, mean: 30, p50: 20, p90: 50, p99: 180, p999: 200, max: 200, hdr: '' };
  assert.match(assessSaturation([calm], lag).reasons[0]!, /schedule lag p99 180ms/);
});

test('HealthMonitor measures CPU of busy work', async () => {
  const m = new HealthMonitor();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  m.start();
  const end = performance.now() + 150;
  while (performance.now() < end) Math.sqrt(Math.random());
  await new Promise((r) => setTimeout(r, 20));
  const s = m.sample(0, 3);
  const used = process.cpuUsage(cpu0);
  const expected = ((used.user + used.system) / 1000 / (performance.now() - wall0)) * 100;
  m.stop();
  // the monitor's share agrees with the process's own count over the same window (on a busy host
  // the busy loop may get well under 100% of a core; what matters is that it is measured)
  assert.ok(expected > 5, `the busy loop used ${expected.toFixed(0)}% of a core`);
  assert.ok(Math.abs(s.cpu - expected) < 10, `monitor cpu ${s.cpu}%, process.cpuUsage ${expected.toFixed(1)}%`);
  assert.ok(s.rssMb > 10);
  assert.equal(s.clients, 3);
});

function file(saturated: boolean): RunFile {
  const g: GeneratorHealth = {
    index: 0,
    pid: 1,
    cpuMean: 50,
    cpuMax: 60,
    cpuHotShare: 0,
    cpuHotSeconds: 0,
    loopDelayP99: 5,
    loopDelayMax: 9,
    gcPauseTotal: 1,
    gcPauseMax: 1,
    rssMaxMb: 100,
    peakClients: 7,
  };
  return {
    schema: 'rtbench.result/v1',
    scenario: { name: '<b>chat</b>', file: 's.ts', options: {} },
    environment: { rtbench: '0', node: 'v20', platform: 'linux', arch: 'x64', cpus: { model: 'x', count: 2 }, memoryGb: 1, hostname: 'h', gitSha: null },
    createdAt: '',
    runs: [
      {
        topology: 'single',
        target: 'http://127.0.0.1:1',
        engine: 'socket.io',
        status: 'completed',
        startedAt: '',
        durationMs: 10_000,
        metrics: {
          connect: { count: 3, min: 1, mean: 2, p50: 2, p90: 3, p99: 4.25, p999: 5, max: 6, hdr: '' },
          'ack:echo': { count: 9, min: 1, mean: 2, p50: 2, p90: 3, p99: 123.4, p999: 5, max: 6, hdr: '' },
        },
        counters: { 'sessions.started': 3, 'sessions.completed': 2, 'sessions.failed': 1, 'messages.sent': 9, 'messages.received': 9 },
        errors: { ack_timeout: { count: 1, sample: 'no ack for `echo`' } },
        workers: { connections: { 'single#0': 3 }, unidentified: 0, maxOverMean: 1, cv: 0, maxShare: 1, chiSquare: null, stickiness: null },
        timeseries: [],
        thresholds: [],
        generator: { processes: [g], saturation: saturated ? { saturated: true, reasons: ['generator 0: CPU above 85%'] } : { saturated: false, reasons: [] } },
      },
    ],
  };
}

test('console summary: metric rows, counters, errors, workers; saturation banner only when saturated', () => {
  const calm = formatSummary(file(false));
  assert.match(calm, /<b>chat<\/b>/);
  assert.match(calm, /ack:echo\s+9\s+2\.00\s+3\.00\s+123/);
  assert.match(
    calm.split('\n')[2]!,
    /^ {2}sessions: 3 started, 2 completed, 1 failed \(33\.33%\); errors: 0 \(rate 0%/,
    'sessions come first, right under the run header',
  );
  assert.match(calm, /ack_timeout ×1: no ack for `echo`/);
  assert.match(calm, /workers: single#0 3; max\/mean 1, cv 0/);
  assert.doesNotMatch(calm, /SATURATED/);
  assert.match(
    formatSummary(file(true)),
    /GENERATOR SATURATED — the generator's own delay is part of the latencies below, so they overstate the server's: generator 0/,
  );
});
