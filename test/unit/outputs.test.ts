import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlatHistogram, cumulativeBuckets, recordMs } from '../../src/metrics/histogram.ts';
import { MAX_PENDING_SAMPLES, counterName, prometheusSink, toSeries } from '../../src/outputs/prometheus.ts';
import { parseOutputSpecs } from '../../src/outputs/index.ts';
import { remoteWriteCodec } from '../../src/outputs/remote-write.ts';
import { parsePrometheusTarget } from '../../src/outputs/target.ts';
import { LIVE_BOUNDS_MS, type LiveSample } from '../../src/outputs/sample.ts';

function sample(i: number, final = false): LiveSample {
  return {
    topology: 'single',
    timeMs: 1_700_000_000_000 + i * 1000,
    elapsedMs: i * 1000,
    final,
    counters: { 'sessions.started': 10 * i, 'messages.sent': 100 * i },
    errors: { ack_timeout: i },
    connected: 5,
    latency: { ack: { count: 3 * i, sumMs: 6 * i, p50: 1, p99: 2, max: 3, le: LIVE_BOUNDS_MS.map((_, k) => Math.min(3 * i, k * i)) } },
    second: { t: i, connected: 5, sessionsStarted: 10, messagesSent: 100, messagesReceived: 100, errors: 1, ackP50: 1, ackP99: 2, connectP99: null },
  };
}

test('cumulativeBuckets: values at or below each bound, ending at the total; the sum within HDR precision', () => {
  const h = createFlatHistogram();
  const values = [0.3, 0.9, 1, 4, 40, 400, 4000];
  for (const v of values) recordMs(h, v);
  const { le, sumUs, at } = cumulativeBuckets(h, [500, 1000, 5000, 50_000, 500_000, 5_000_000], [0, 50, 90, 99, 100]);
  assert.deepEqual(le, [1, 3, 4, 5, 6, 7]);
  assert.deepEqual(
    at,
    [0, 50, 90, 99, 100].map((p) => h.getValueAtPercentile(p)).map((v, i) => (i === 0 ? h.getValueAtPercentile(0.0001) : v)),
    'the percentiles getValueAtPercentile gives',
  );
  const exact = values.reduce((a, b) => a + b, 0) * 1000;
  assert.ok(Math.abs(sumUs - exact) / exact < 0.002, `sum ${sumUs} vs ${exact}`);
  assert.deepEqual(cumulativeBuckets(createFlatHistogram(), [1, 2]), { le: [0, 0], sumUs: 0, at: [] });
});

test('remote write: protobuf + snappy round trip; labels sorted; counters named like Prometheus', async () => {
  const codec = await remoteWriteCodec();
  const series = toSeries(sample(2), { scenario: 'chat', run_id: 'r1' }, 1_700_000_002_000);
  const back = codec.decode(codec.encode(series));
  assert.equal(back.length, series.length);
  const started = back.find((s) => s.labels.__name__ === 'rtbench_sessions_started_total')!;
  assert.deepEqual(started.labels, { __name__: 'rtbench_sessions_started_total', job: 'rtbench', scenario: 'chat', run_id: 'r1', topology: 'single' });
  assert.deepEqual(started.samples, [{ value: 20, timestamp: 1_700_000_002_000 }]);
  const inf = back.find((s) => s.labels.__name__ === 'rtbench_latency_seconds_bucket' && s.labels.le === '+Inf')!;
  assert.equal(inf.samples[0]!.value, 6);
  assert.equal(back.filter((s) => s.labels.__name__ === 'rtbench_latency_seconds_bucket').length, LIVE_BOUNDS_MS.length + 1);
  assert.equal(counterName('reconnect.sameWorker'), 'rtbench_reconnect_sameWorker_total');
  // a custom trend within the last second, as ack's p99 (a trend without samples that second is left out)
  const custom = toSeries(
    {
      ...sample(2),
      second: {
        ...sample(2).second!,
        custom: { trends: { fanout: { count: 4, p50: 10, p99: 250 }, idle: { count: 0, p50: null, p99: null } }, counters: { delivered: 4 } },
      },
    },
    { scenario: 'chat', run_id: 'r1' },
    0,
  );
  assert.deepEqual(
    custom.filter((s) => s.labels.__name__ === 'rtbench_trend_p99_seconds').map((s) => [s.labels.metric, s.samples[0]!.value]),
    [['fanout', 0.25]],
  );
  assert.equal(counterName('custom-metric:x'), 'rtbench_custom_metric_x_total');
});

test('prometheus output: a failing endpoint keeps a bounded buffer, warns once, and counts what it dropped', async () => {
  const warnings: string[] = [];
  const info: string[] = [];
  let calls = 0;
  const out = prometheusSink({
    target: { url: 'http://127.0.0.1:9/api/v1/write', headers: {}, display: 'http://127.0.0.1:9/api/v1/write' },
    labels: { scenario: 's', run_id: 'r' },
    warn: (l) => warnings.push(l),
    info: (l) => info.push(l),
    fetch: (async () => {
      calls++;
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    }) as typeof fetch,
  });
  const perSecond = toSeries(sample(1), { scenario: 's', run_id: 'r' }, 0).length;
  const seconds = Math.ceil((MAX_PENDING_SAMPLES * 1.5) / perSecond);
  const t0 = Date.now();
  for (let i = 1; i <= seconds; i++) out.sample(sample(i));
  assert.ok(Date.now() - t0 < 10_000, 'queuing never waits for the endpoint');
  await out.end();
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /ECONNREFUSED.*the load goes on/);
  assert.ok(calls >= 1 && calls <= 6, `attempts ${calls}`);
  const m = /0 samples in 0 request\(s\).*DROPPED (\d+) samples/.exec(info.join(''));
  assert.ok(m, info.join(''));
  assert.equal(Number(m[1]), seconds * perSecond, 'every sample is accounted for as dropped');
});

test('prometheus output: samples arrive in time order, one request in flight, recovery is announced', async () => {
  const codec = await remoteWriteCodec();
  const warnings: string[] = [];
  let fail = 2;
  let inFlight = 0;
  let maxInFlight = 0;
  const got: number[] = [];
  const out = prometheusSink({
    target: { url: 'http://127.0.0.1:9/w', headers: {}, display: 'http://127.0.0.1:9/w' },
    labels: { scenario: 's', run_id: 'r' },
    warn: (l) => warnings.push(l),
    info: () => {},
    fetch: (async (_u: string, init: RequestInit) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (fail-- > 0) return new Response('busy', { status: 503 });
      const series = codec.decode(new Uint8Array(init.body as Buffer));
      const started = series.find((s) => s.labels.__name__ === 'rtbench_sessions_started_total')!;
      got.push(...started.samples.map((s) => s.value));
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch,
  });
  for (let i = 1; i <= 5; i++) out.sample(sample(i, i === 5));
  await out.end();
  assert.deepEqual(got, [10, 20, 30, 40, 50]);
  assert.equal(maxInFlight, 1);
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0]!, /HTTP 503/);
  assert.match(warnings[1]!, /answers again/);
});

test('--output prometheus=URL: any http(s) host is accepted by a pure parse (nothing resolved, nothing connected)', () => {
  // synchronous: the parse returns before any lookup or connection could happen
  const got = parseOutputSpecs(['prometheus=https://mimir.example.com/api/v1/push', 'prometheus=http://10.1.2.3:9090/api/v1/write', 'json=live.jsonl'], {});
  assert.deepEqual(got.problems, []);
  assert.deepEqual(
    got.outputs.map((o) => (o.kind === 'prometheus' ? [o.url, o.display, o.auth, o.headers] : [o.file])),
    [
      ['https://mimir.example.com/api/v1/push', 'https://mimir.example.com/api/v1/push', '', {}],
      ['http://10.1.2.3:9090/api/v1/write', 'http://10.1.2.3:9090/api/v1/write', '', {}],
      ['live.jsonl'],
    ],
  );
});

test('prometheus target: URL userinfo becomes Basic auth, never shown; headers from the spec and RTBENCH_PROMETHEUS_HEADERS', () => {
  const t = parsePrometheusTarget('https://42%40team:s3cr%3At@mimir.example.com/api/v1/push?token=abc,header=X-Scope-OrgID:tenant1', {
    RTBENCH_PROMETHEUS_HEADERS: 'X-Scope-OrgID: from-env, X-Extra: a:b:c',
  });
  assert.ok(!('problems' in t), JSON.stringify(t));
  assert.equal(t.url, 'https://mimir.example.com/api/v1/push?token=abc', 'no userinfo in the URL fetched');
  assert.deepEqual(
    t.headers,
    { 'X-Scope-OrgID': 'tenant1', 'X-Extra': 'a:b:c', Authorization: `Basic ${Buffer.from('42@team:s3cr:t').toString('base64')}` },
    'the spec header wins over the environment',
  );
  assert.equal(t.display, 'https://mimir.example.com/api/v1/push?token=…');
  assert.equal(t.auth, 'Basic auth; headers X-Scope-OrgID, X-Extra');
  assert.doesNotMatch(`${t.display} ${t.auth}`, /s3cr|team|abc|tenant1/);

  const bearer = parsePrometheusTarget('https://prom.example.net/api/v1/write', {
    RTBENCH_PROMETHEUS_HEADERS: 'Authorization: Bearer eyJ.x,y\nX-Scope-OrgID: t2',
  });
  assert.ok(!('problems' in bearer));
  assert.deepEqual(bearer.headers, { Authorization: 'Bearer eyJ.x,y', 'X-Scope-OrgID': 't2' }, 'a comma not followed by Name: stays in the value');
  assert.equal(bearer.auth, 'headers Authorization, X-Scope-OrgID');

  const envBasic = parsePrometheusTarget('https://prom.example.net/api/v1/write', { RTBENCH_PROMETHEUS_USERNAME: 'u', RTBENCH_PROMETHEUS_PASSWORD: 'p' });
  assert.ok(!('problems' in envBasic));
  assert.equal(envBasic.headers.Authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
});

test('prometheus target: every problem at once, without echoing secrets', () => {
  const t = parsePrometheusTarget('ftp://u:hidden@x.example/w,header=Bad Name:1,header=Content-Type:text/plain,foo=1', {
    RTBENCH_PROMETHEUS_HEADERS: 'Authorization: Bearer hidden2',
  });
  assert.ok('problems' in t);
  assert.equal(t.problems.length, 5, t.problems.join('\n'));
  assert.match(t.problems[0]!, /must be http:\/\/ or https:\/\//);
  assert.match(t.problems[1]!, /is not Name:Value/);
  assert.match(t.problems[2]!, /Content-Type is set by the remote-write protocol/);
  assert.match(t.problems[3]!, /`foo=` is not an option/);
  assert.match(t.problems[4]!, /both Basic auth .* and an Authorization header/);
  assert.doesNotMatch(t.problems.join('\n'), /hidden/);
  const notUrl = parsePrometheusTarget('//u:hidden@', {});
  assert.ok('problems' in notUrl && /is not a URL/.test(notUrl.problems[0]!) && !/hidden/.test(notUrl.problems[0]!));
  const spec = parseOutputSpecs(['influx=x', 'prometheus'], {});
  assert.equal(spec.problems.length, 2);
});
