import { decode } from '../../metrics/histogram.ts';
import type { RunFile, RunResult } from '../../result/types.ts';

/** Points of a percentile-distribution plot: x = 1/(1-p) (log axis, as HdrHistogram plotters draw it), y = ms. */
export function percentileCurve(hdr: string, count: number): Array<[number, number]> {
  if (!hdr || count === 0) return [];
  const h = decode(hdr);
  const maxX = Math.max(10, count); // beyond 1/(1-p) = count there is no data
  const pts: Array<[number, number]> = [];
  for (let k = 0; ; k++) {
    const x = 10 ** (k / 20);
    if (x > maxX * 1.01) break;
    const p = 100 * (1 - 1 / x);
    pts.push([x, Math.round(h.getValueAtPercentile(p)) / 1000]);
  }
  pts.push([maxX, h.maxValue / 1000]);
  return pts;
}

const SECRET_PARAM = /^(token|access_token|auth|authorization|key|api_key|apikey|secret|password|pass|pwd|sig|signature|session|sid)$/i;

/** Remove credentials and token-like query parameters from URLs found in `s`. */
export function redactUrls(s: string): string {
  return s.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (raw) => {
    try {
      const u = new URL(raw);
      let changed = false;
      if (u.username || u.password) {
        u.username = 'REDACTED';
        u.password = '';
        changed = true;
      }
      for (const k of [...u.searchParams.keys()]) {
        if (SECRET_PARAM.test(k)) {
          u.searchParams.set(k, 'REDACTED');
          changed = true;
        }
      }
      return changed ? u.toString() : raw;
    } catch {
      return raw;
    }
  });
}

/** Deep-copy a JSON value with every string redacted. */
export function redactDeep<T>(v: T): T {
  return JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === 'string' ? redactUrls(x) : x)) as T;
}

export interface ChartRun {
  label: string;
  topology: string;
  curves: Record<string, Array<[number, number]>>;
  series: { t: number[]; throughput: number[]; p50: Array<number | null>; p99: Array<number | null>; connected: number[]; errors: number[] };
  workers: { ids: string[]; counts: number[] };
}

/** The plain data the page's script draws (no histograms: their curves are precomputed here). */
export function chartData(files: RunFile[]): ChartRun[] {
  const out: ChartRun[] = [];
  for (const f of files) {
    for (const r of f.runs) out.push(chartRun(files.length > 1 ? `${f.scenario.name} · ${r.topology} · ${f.createdAt}` : r.topology, r));
  }
  return out;
}

function chartRun(label: string, r: RunResult): ChartRun {
  const curves: ChartRun['curves'] = {};
  for (const [name, m] of Object.entries(r.metrics)) if (m.count && name !== 'lag') curves[name] = percentileCurve(m.hdr, m.count);
  const ts = r.timeseries;
  return {
    label,
    topology: r.topology,
    curves,
    series: {
      t: ts.map((p) => p.t),
      throughput: ts.map((p) => p.messagesSent + p.messagesReceived),
      p50: ts.map((p) => p.ackP50),
      p99: ts.map((p) => p.ackP99),
      connected: ts.map((p) => p.connected),
      errors: ts.map((p) => p.errors),
    },
    workers: { ids: Object.keys(r.workers.connections), counts: Object.values(r.workers.connections) },
  };
}
