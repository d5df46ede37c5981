import { remoteWriteCodec, type RemoteWriteCodec, type Series } from './remote-write.ts';
import { LIVE_BOUNDS_MS, type LiveSample, type LiveSink } from './sample.ts';
import type { PrometheusTarget } from './target.ts';

/** Samples kept while the endpoint does not answer (~7 minutes of a typical run); the oldest seconds go first. */
export const MAX_PENDING_SAMPLES = 50_000;
/** Seconds of samples per request at most (catching up after an outage). */
const MAX_SECONDS_PER_REQUEST = 30;
/**
 * Seconds of samples per request in the steady state (k6's remote-write push interval is 5 s too):
 * a series' labels are encoded once per request, so batching 5 seconds costs about a third of
 * encoding each second alone. The samples keep their one-second resolution.
 */
export const PUSH_EVERY_SECONDS = 5;
export const REQUEST_TIMEOUT_MS = 5000;
/**
 * At the end, how long the remaining samples may take to leave, at most: a request still in
 * flight then is aborted. An endpoint that gave no answer within a request's timeout is not tried
 * again at the end (one that refuses is, 3 times), so one that never answers holds the end for one
 * request timeout at most.
 */
export const FLUSH_DEADLINE_MS = 10_000;

export interface PrometheusOutputOptions {
  /** Where to send and with which headers (src/outputs/target.ts); `display` is what messages show. */
  target: Pick<PrometheusTarget, 'url' | 'headers' | 'display'>;
  /** Labels on every series: scenario, run_id (topology is added per sample). */
  labels: { scenario: string; run_id: string };
  warn: (line: string) => void;
  /** Where the closing line goes (sent / dropped counts). */
  info: (line: string) => void;
  /** Replaceable for tests. Default the global fetch. */
  fetch?: typeof fetch;
}

/** Prometheus metric name of an rtbench counter: `sessions.started` → `rtbench_sessions_started_total`. */
export function counterName(key: string): string {
  return `rtbench_${key.replace(/[^a-zA-Z0-9_]/g, '_')}_total`;
}

/** One sample as remote-write series (one point each): counters, gauges, and a latency histogram per metric. */
export function toSeries(s: LiveSample, base: Record<string, string>, timestamp: number): Series[] {
  const out: Series[] = [];
  const labels = {
    job: 'rtbench',
    ...base,
    topology: s.topology,
    ...(s.round === undefined ? {} : { round: String(s.round) }),
    ...(s.step === undefined ? {} : { step_rate: String(s.step.rate) }),
  };
  const add = (name: string, value: number, extra: Record<string, string> = {}): void => {
    if (Number.isFinite(value)) out.push({ labels: { __name__: name, ...labels, ...extra }, samples: [{ value, timestamp }] });
  };
  for (const [k, v] of Object.entries(s.counters)) add(counterName(k), v);
  for (const [kind, n] of Object.entries(s.errors)) add('rtbench_errors_by_kind_total', n, { kind });
  add('rtbench_connected_clients', s.connected);
  add('rtbench_elapsed_seconds', s.elapsedMs / 1000);
  if (s.second) {
    add('rtbench_messages_per_second', s.second.messagesSent + s.second.messagesReceived);
    if (s.second.ackP99 !== null) add('rtbench_ack_p99_seconds', s.second.ackP99 / 1000);
    // the scenario's custom trends, as ack: p99 within the last second
    for (const [metric, tr] of Object.entries(s.second.custom?.trends ?? {})) if (tr.p99 !== null) add('rtbench_trend_p99_seconds', tr.p99 / 1000, { metric });
  }
  for (const [metric, l] of Object.entries(s.latency)) {
    LIVE_BOUNDS_MS.forEach((b, i) => add('rtbench_latency_seconds_bucket', l.le[i]!, { metric, le: String(b / 1000) }));
    add('rtbench_latency_seconds_bucket', l.count, { metric, le: '+Inf' });
    add('rtbench_latency_seconds_count', l.count, { metric });
    add('rtbench_latency_seconds_sum', l.sumMs / 1000, { metric });
  }
  if (s.final) add('rtbench_run_finished', 1);
  return out;
}

/** Merge seconds of single-point series into one series per label set (samples in time order). */
function batch(seconds: Series[][]): Series[] {
  const byKey = new Map<string, Series>();
  for (const sec of seconds) {
    for (const s of sec) {
      const key = JSON.stringify(s.labels);
      const have = byKey.get(key);
      if (have) have.samples.push(...s.samples);
      else byKey.set(key, { labels: s.labels, samples: [...s.samples] });
    }
  }
  return [...byKey.values()];
}

/**
 * `--output prometheus=URL`: Prometheus remote write (protobuf + snappy), once a second. The load
 * never waits for it: samples queue in a bounded buffer, one request is in flight at a time, a
 * failing endpoint is warned about once and retried with backoff; the oldest seconds are dropped
 * beyond `MAX_PENDING_SAMPLES`, and the end says how many samples were sent and dropped.
 */
export function prometheusSink(o: PrometheusOutputOptions): LiveSink {
  let codec: Promise<RemoteWriteCodec> | null = null;
  const doFetch = o.fetch ?? fetch;
  const where = o.target.display;
  const stop = new AbortController(); // the end's deadline aborts a request still in flight
  const pending: Series[][] = [];
  const st = {
    pendingSamples: 0,
    sent: 0,
    requests: 0,
    dropped: 0,
    lastTs: 0,
    inFlight: null as Promise<void> | null,
    failures: 0,
    retryAt: 0,
    failing: false,
    silent: false,
  };
  const sampleCount = (sec: Series[]): number => sec.length;
  let sawRounds = false;

  function enqueue(sec: Series[]): void {
    pending.push(sec);
    st.pendingSamples += sampleCount(sec);
    while (st.pendingSamples > MAX_PENDING_SAMPLES && pending.length > 1) {
      const old = pending.shift()!;
      st.pendingSamples -= sampleCount(old);
      st.dropped += sampleCount(old);
    }
  }

  async function send(body: RequestInit['body']): Promise<{ status: number; ok: boolean; text: string }> {
    // one controller with a plain timer (a timeout signal held only by AbortSignal.any can be collected before it fires)
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new DOMException(`no answer within ${REQUEST_TIMEOUT_MS} ms`, 'TimeoutError')), REQUEST_TIMEOUT_MS);
    const onStop = (): void => ac.abort(new DOMException('the end of the run', 'AbortError'));
    stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      const res = await doFetch(o.target.url, {
        method: 'POST',
        body,
        headers: {
          ...o.target.headers,
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'User-Agent': 'rtbench',
        },
        signal: ac.signal,
      });
      return { status: res.status, ok: res.ok, text: await res.text().catch(() => '') };
    } finally {
      clearTimeout(timer);
      stop.signal.removeEventListener('abort', onStop);
    }
  }

  async function post(seconds: Series[][]): Promise<void> {
    const body = Buffer.from((await (codec ??= remoteWriteCodec())).encode(batch(seconds)));
    const res = await send(body);
    const text = res.text;
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      // the endpoint refuses these samples for good (e.g. out of order): retrying cannot help
      throw Object.assign(new Error(`HTTP ${res.status}: ${text.trim().slice(0, 200)}`), { permanent: true });
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.trim().slice(0, 200)}`);
  }

  function pump(flush = false): void {
    if (st.inFlight || pending.length === 0 || Date.now() < st.retryAt) return;
    if (!flush && pending.length < PUSH_EVERY_SECONDS && !pending[pending.length - 1]!.some((x) => x.labels.__name__ === 'rtbench_run_finished')) return;
    const seconds = pending.splice(0, MAX_SECONDS_PER_REQUEST);
    const n = seconds.reduce((a, s) => a + sampleCount(s), 0);
    st.pendingSamples -= n;
    st.inFlight = post(seconds)
      .then(() => {
        st.sent += n;
        st.requests++;
        if (st.failing) o.warn(`rtbench: prometheus output ${where} answers again (${st.failures} failed attempt(s))`);
        st.failing = false;
        st.silent = false;
        st.failures = 0;
      })
      .catch((e: unknown) => {
        st.silent = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        const why =
          e instanceof Error
            ? e.name === 'TimeoutError'
              ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
              : e.name === 'AbortError'
                ? `no answer within the end's ${FLUSH_DEADLINE_MS / 1000} s`
                : `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`
            : String(e);
        if ((e as { permanent?: boolean }).permanent) {
          st.dropped += n;
          o.warn(`rtbench: WARNING prometheus output ${where} refused ${n} samples: ${why}`);
          return;
        }
        pending.unshift(...seconds);
        st.pendingSamples += n;
        enqueue([]); // re-apply the bound
        st.failures++;
        st.retryAt = Date.now() + Math.min(10_000, 500 * 2 ** Math.min(st.failures, 5));
        if (!st.failing)
          o.warn(`rtbench: WARNING prometheus output ${where}: ${why}; the load goes on, samples are kept (up to ${MAX_PENDING_SAMPLES}) and retried`);
        st.failing = true;
      })
      .finally(() => {
        st.inFlight = null;
      });
  }

  return {
    sample(s) {
      // after `--repeat` rounds (each its own `round` series), the closing whole-run line would double every counter
      if (s.scope === 'run' && sawRounds) return;
      if (s.round !== undefined) sawRounds = true;
      const ts = Math.max(s.timeMs, st.lastTs + 1); // strictly increasing: Prometheus refuses a second value at one timestamp
      st.lastTs = ts;
      enqueue(toSeries(s, o.labels, ts));
      pump();
    },
    async end() {
      const deadline = Date.now() + FLUSH_DEADLINE_MS;
      const hardStop = setTimeout(() => stop.abort(), FLUSH_DEADLINE_MS);
      let retries = 0;
      try {
        while (Date.now() < deadline && (pending.length > 0 || st.inFlight)) {
          if (st.inFlight) await st.inFlight;
          if (pending.length === 0) break;
          // an endpoint that does not answer is not waited for again; one that refuses is retried 3 times
          if (st.failing && (st.silent || ++retries > 3)) break;
          st.retryAt = Math.min(st.retryAt, Date.now() + 1000);
          await new Promise((r) => setTimeout(r, Math.max(0, Math.min(st.retryAt - Date.now(), deadline - Date.now()))));
          pump(true);
        }
        if (st.inFlight) await st.inFlight;
      } finally {
        clearTimeout(hardStop);
      }
      const left = st.pendingSamples;
      st.dropped += left;
      pending.length = 0;
      st.pendingSamples = 0;
      o.info(
        `prometheus: ${st.sent} samples in ${st.requests} request(s) to ${where}${st.dropped ? `; DROPPED ${st.dropped} samples (endpoint unreachable or buffer full)` : ''}\n`,
      );
      return { kind: 'prometheus', where, sent: st.sent, dropped: st.dropped };
    },
  };
}
