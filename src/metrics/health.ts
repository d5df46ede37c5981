import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { GeneratorHealth, HostSentinel, MetricSummary, Saturation } from '../result/types.ts';

/** One second of a generator's own health. */
export interface HealthSample {
  t: number;
  /** CPU in percent of one core over the interval. */
  cpu: number;
  loopDelayP99: number;
  loopDelayMax: number;
  gcPauseMs: number;
  gcPauseMax: number;
  rssMb: number;
  clients: number;
}

/** When a generator's numbers say the harness, not the server, limited the measurement. */
export const DEFAULT_SATURATION_BOUNDS = { cpuPercent: 85, hotShare: 0.2, loopDelayP99Ms: 50, lagP99Ms: 50, harnessP99Ms: 20 } as const;
export type SaturationBounds = { cpuPercent: number; hotShare: number; loopDelayP99Ms: number; lagP99Ms: number; harnessP99Ms?: number };

/** Samples CPU, event-loop delay, GC pauses and RSS of the current process, per interval. */
export class HealthMonitor {
  private loop: IntervalHistogram | null = null;
  private gc: PerformanceObserver | null = null;
  private gcSum = 0;
  private gcMax = 0;
  private cpu = process.cpuUsage();
  private at = process.hrtime.bigint();

  start(): void {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.gcSum += e.duration;
        this.gcMax = Math.max(this.gcMax, e.duration);
      }
    });
    this.gc.observe({ entryTypes: ['gc'] });
    this.cpu = process.cpuUsage();
    this.at = process.hrtime.bigint();
  }

  sample(t: number, clients: number): HealthSample {
    const now = process.hrtime.bigint();
    const wallUs = Number(now - this.at) / 1000;
    const used = process.cpuUsage(this.cpu);
    this.cpu = process.cpuUsage();
    this.at = now;
    const cpu = wallUs > 0 ? ((used.user + used.system) / wallUs) * 100 : 0;
    const loop = this.loop;
    const r = (x: number): number => Math.round(x * 10) / 10;
    const s: HealthSample = {
      t,
      cpu: r(cpu),
      loopDelayP99: loop && loop.count > 0 ? r(loop.percentile(99) / 1e6) : 0,
      loopDelayMax: loop && loop.count > 0 ? r(loop.max / 1e6) : 0,
      gcPauseMs: r(this.gcSum),
      gcPauseMax: r(this.gcMax),
      rssMb: r(this.rss() / 2 ** 20),
      clients,
    };
    loop?.reset();
    this.gcSum = 0;
    this.gcMax = 0;
    return s;
  }

  /** RSS; reading it opens /proc/self/stat, which fails with EMFILE when the clients took every fd: keep the last value then. */
  private lastRss = 0;
  private rss(): number {
    try {
      this.lastRss = process.memoryUsage.rss();
    } catch {
      // out of fds: the clients report EMFILE themselves
    }
    return this.lastRss;
  }

  stop(): void {
    this.loop?.disable();
    this.gc?.disconnect();
  }
}

/** One generator's health over the run, from its per-second samples. */
export function summarizeHealth(
  index: number,
  pid: number,
  samples: HealthSample[],
  peakClients: number,
  bounds: SaturationBounds = DEFAULT_SATURATION_BOUNDS,
): GeneratorHealth {
  const n = samples.length || 1;
  const max = (f: (s: HealthSample) => number): number => samples.reduce((m, s) => Math.max(m, f(s)), 0);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return {
    index,
    pid,
    cpuMean: r(samples.reduce((a, s) => a + s.cpu, 0) / n),
    cpuMax: max((s) => s.cpu),
    cpuHotShare: Math.round((samples.filter((s) => s.cpu > bounds.cpuPercent).length / n) * 1000) / 1000,
    cpuHotSeconds: samples.filter((s) => s.cpu > bounds.cpuPercent).length,
    loopDelayP99: max((s) => s.loopDelayP99),
    loopDelayMax: max((s) => s.loopDelayMax),
    gcPauseTotal: r(samples.reduce((a, s) => a + s.gcPauseMs, 0)),
    gcPauseMax: max((s) => s.gcPauseMax),
    rssMaxMb: max((s) => s.rssMb),
    peakClients: Math.max(
      peakClients,
      max((s) => s.clients),
    ),
  };
}

/**
 * A generator's loop delay counts as its own when it is above SENTINEL_FACTOR × the sentinel's plus
 * SENTINEL_MARGIN_MS. On a busy host a process with work waits longer for a core than a nearly idle
 * one, so "alike" allows a factor, not equality.
 */
export const SENTINEL_FACTOR = 3;
export const SENTINEL_MARGIN_MS = 10;

/**
 * The verdict every result carries: did the generator itself limit the measurement, or was the
 * whole host busy? A generator whose CPU is hot is saturated. A generator whose event-loop delay
 * is high is saturated only when its delay is well above the sentinel's (a plain process on the
 * same host, the coordinator): when both were delayed alike, other work on the host took the CPU.
 * Sessions that started late, and operations written late (`harness`: the generator's own delay
 * per operation, p99 above `harnessP99Ms`), are attributed the same way.
 */
export function assessSaturation(
  processes: GeneratorHealth[],
  lag?: MetricSummary,
  sentinel: HostSentinel | null = null,
  bounds: SaturationBounds = DEFAULT_SATURATION_BOUNDS,
  harness?: MetricSummary,
): Saturation {
  const own: string[] = [];
  const host: string[] = [];
  const wellAbove = (ms: number): boolean => sentinel === null || ms > SENTINEL_FACTOR * sentinel.loopDelayP99 + SENTINEL_MARGIN_MS;
  const seen = sentinel ? `, a plain process on the same host saw ${sentinel.loopDelayP99}ms` : '';
  for (const g of processes) {
    // one hot second (warm-up, JIT) is not saturation: it takes a share of the run and at least two seconds
    if (g.cpuHotShare > bounds.hotShare && g.cpuHotSeconds >= 2) {
      own.push(`generator ${g.index}: CPU above ${bounds.cpuPercent}% in ${Math.round(g.cpuHotShare * 100)}% of seconds (max ${Math.round(g.cpuMax)}%)`);
    }
    if (g.loopDelayP99 > bounds.loopDelayP99Ms) {
      (wellAbove(g.loopDelayP99) ? own : host).push(
        `generator ${g.index}: event-loop delay p99 reached ${g.loopDelayP99}ms (bound ${bounds.loopDelayP99Ms}ms${seen}; its CPU ${Math.round(g.cpuMean)}% on average)`,
      );
    }
  }
  if (lag && lag.count > 0 && lag.p99 > bounds.lagP99Ms) {
    const line = `sessions started late: schedule lag p99 ${lag.p99}ms (bound ${bounds.lagP99Ms}ms${seen})`;
    (own.length > 0 || wellAbove(lag.p99) ? own : host).push(line);
  }
  const harnessBound = bounds.harnessP99Ms ?? DEFAULT_SATURATION_BOUNDS.harnessP99Ms;
  if (harness && harness.count > 0 && harness.p99 > harnessBound) {
    const line = `operations written late by the generator: harness delay p99 ${harness.p99}ms (bound ${harnessBound}ms${seen}): latencies include up to that much of the generator's own delay`;
    (own.length > 0 || wellAbove(harness.p99) ? own : host).push(line);
  }
  const verdict = own.length ? 'generator' : host.length ? 'host' : 'ok';
  return { saturated: own.length > 0, verdict, reasons: own.length ? own : host, ...(sentinel ? { sentinel } : {}) };
}

/**
 * The sentinel: this process's own event-loop delay while the generators run. The coordinator
 * does little during the load, so its delay is the host's scheduling delay (a busy host delays
 * every process), the yardstick the generators' delays are judged against. Read like theirs: the
 * p99 of each second, and the largest of those (a generator's `loopDelayP99` is that figure too).
 */
export class Sentinel {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private timer: NodeJS.Timeout | undefined;
  private p99Max = 0;
  private max = 0;
  private seconds = 0;

  start(): void {
    this.loop.reset();
    this.loop.enable();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sample(): void {
    if (this.loop.count === 0) return;
    this.p99Max = Math.max(this.p99Max, this.loop.percentile(99) / 1e6);
    this.max = Math.max(this.max, this.loop.max / 1e6);
    this.seconds++;
    this.loop.reset();
  }

  stop(): HostSentinel | null {
    if (this.timer === undefined) return null;
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    this.loop.disable();
    if (this.seconds === 0) return null;
    const r = (x: number): number => Math.round(x * 10) / 10;
    return { loopDelayP99: r(this.p99Max), loopDelayMax: r(this.max) };
  }
}
