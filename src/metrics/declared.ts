/**
 * What a scenario declares of its own metrics (`metrics: { fanout: 'trend' }`) and the API its
 * sessions record them through (`ctx.metrics`, implemented by src/metrics/custom.ts).
 */
/** The kinds of custom metric a scenario may declare in `metrics`. */
export type MetricKind = 'trend' | 'counter';

/** A scenario's custom metric declarations: name → kind, e.g. `{ fanout: 'trend', delivered: 'counter' }`. */
export type MetricDeclarations = Record<string, MetricKind>;

/** Names of the declared metrics of one kind. */
type NamesOf<M, K extends MetricKind> = string extends keyof M ? string : { [N in keyof M]: M[N] extends K ? N : never }[keyof M] & string;

/**
 * `ctx.metrics`: the scenario's declared custom metrics. A trend is an HDR histogram of
 * milliseconds (merged like `ack`); a counter is a sum. A name not declared in `metrics`, or
 * declared as the other kind, throws (counted as `session_error` with its line).
 */
export interface CustomMetrics<M = MetricDeclarations> {
  /**
   * Add one sample (ms) to the trend `name`. A negative one (clock skew) is recorded as 0 and counted
   * in `<name>.negative`; a non-finite one throws and is counted in `<name>.rejected`. Either makes
   * every threshold on `name` fail: the trend is biased.
   */
  record(name: NamesOf<M, 'trend'>, ms: number): void;
  /** Add `n` (default 1, ≥ 0) to the counter `name`. */
  count(name: NamesOf<M, 'counter'>, n?: number): void;
}
