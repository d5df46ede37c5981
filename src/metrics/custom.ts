import type { MetricsSink } from './sink.ts';
import type { CustomMetrics, MetricDeclarations } from './declared.ts';
import { recordMs } from './histogram.ts';
import { CHECKS_FAIL, CHECKS_PASS, checkKey, negativeKey, rejectedKey } from './names.ts';

/** Distinct check names one generator accepts (a name built from an id would grow without bound). */
export const MAX_CHECK_NAMES = 1000;
const MAX_CHECK_NAME_LENGTH = 200;

/**
 * `ctx.metrics` and `ctx.check` of one generator, shared by its sessions. Trends go into the
 * recorder's HDR histograms under their own name (so they travel and merge exactly like `ack`),
 * counters and checks into its counters. A trend sample costs what a built-in one does: one map
 * lookup, then the histogram's record.
 */
export class CustomRecorder implements CustomMetrics {
  private readonly trends = new Map<string, (ms: number) => void>();
  private readonly counters = new Set<string>();
  private readonly checks = new Map<string, readonly [string, string]>();

  constructor(
    private readonly declared: MetricDeclarations,
    private readonly sink: MetricsSink,
  ) {
    for (const [name, kind] of Object.entries(declared)) {
      if (kind === 'counter') this.counters.add(name);
      else {
        const h = sink.histogram?.(name);
        this.trends.set(name, h ? (ms) => recordMs(h, ms) : (ms) => sink.record(name, ms));
      }
    }
  }

  /**
   * One sample of trend `name`. A negative sample (a server's clock a little ahead of the
   * generator's is normal) is recorded as 0 and counted in `<name>.negative`; a sample that is not
   * a finite number is counted in `<name>.rejected` and thrown (a session error naming the line).
   * Either way every threshold on `name` fails: its figure is biased.
   */
  record(name: string, ms: number): void {
    const rec = this.trends.get(name);
    if (rec === undefined) throw this.misuse(name, 'trend');
    if (ms >= 0 && ms < Infinity) return rec(ms);
    if (ms < 0 && ms > -Infinity) {
      this.sink.count(negativeKey(name));
      return rec(0);
    }
    this.sink.count(rejectedKey(name));
    throw new TypeError(
      `ctx.metrics.record('${name}', ${String(ms)}): the sample must be a finite number of milliseconds (counted in \`${rejectedKey(name)}\`; thresholds on \`${name}\` fail)`,
    );
  }

  count(name: string, n = 1): void {
    if (!this.counters.has(name)) throw this.misuse(name, 'counter');
    if (!(n >= 0 && n < Infinity)) throw new TypeError(`ctx.metrics.count('${name}', ${String(n)}): the increment must be a finite number ≥ 0`);
    this.sink.count(name, n);
  }

  /** `ctx.check(name, condition)`: one pass or fail of check `name`; returns the condition as a boolean. */
  check(name: string, condition: unknown): boolean {
    let keys = this.checks.get(name);
    if (keys === undefined) {
      if (typeof name !== 'string' || name.length === 0 || name.length > MAX_CHECK_NAME_LENGTH || /[\n\r]/.test(name)) {
        throw new TypeError(`ctx.check(${JSON.stringify(name)}, …): the name must be a one-line string of 1 to ${MAX_CHECK_NAME_LENGTH} characters`);
      }
      if (this.checks.size >= MAX_CHECK_NAMES) {
        throw new RangeError(
          `ctx.check('${name}', …): more than ${MAX_CHECK_NAMES} distinct check names; use a fixed set of names (put ids in the condition, not in the name)`,
        );
      }
      keys = [checkKey(name, 'pass'), checkKey(name, 'fail')] as const;
      this.checks.set(name, keys);
    }
    const ok = Boolean(condition);
    this.sink.count(ok ? CHECKS_PASS : CHECKS_FAIL);
    this.sink.count(ok ? keys[0] : keys[1]);
    return ok;
  }

  private misuse(name: string, want: 'trend' | 'counter'): Error {
    const call = want === 'trend' ? `ctx.metrics.record('${name}', ms)` : `ctx.metrics.count('${name}')`;
    const kind = Object.hasOwn(this.declared, name) ? this.declared[name] : undefined;
    if (kind) {
      const other = want === 'trend' ? `ctx.metrics.count('${name}', n)` : `ctx.metrics.record('${name}', ms)`;
      return new TypeError(`${call}: \`${name}\` is declared as a ${kind} in \`metrics\`; use ${other}, or declare it as '${want}'`);
    }
    return new TypeError(`${call}: \`${name}\` is not declared in the scenario's \`metrics\`; add \`metrics: { ${name}: '${want}' }\``);
  }
}
