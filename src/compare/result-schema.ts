/**
 * The schema of a result file as `compare`, `report` and `merge` read it (valibot): a hand-edited
 * or truncated result.json is refused with every problem named by its field
 * (`runs[0].metrics.ack.p99`), never crashes a command later (`toFixed` of a string, a histogram
 * that is not base64). Objects are loose: fields this reader does not use pass through untouched.
 */
import * as v from 'valibot';
import { RESULT_SCHEMA } from '../result/types.ts';

const num = v.pipe(v.number('must be a number'), v.finite('must be a finite number'));
/** Times, counts, rates: a negative value is a hand-edit, not a measurement. */
const nonneg = v.pipe(num, v.minValue(0, 'must not be negative'));
const count = v.pipe(nonneg, v.integer('must be a whole number'));
const text = v.string('must be a string');

/** An HDR histogram as rtbench writes it: compressed, base64. */
const hdr = v.pipe(
  text,
  v.check((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s), 'must be a base64 HDR histogram (as rtbench writes it)'),
);

const metric = v.looseObject({
  count,
  min: nonneg,
  mean: nonneg,
  p50: nonneg,
  p90: nonneg,
  p99: nonneg,
  p999: nonneg,
  max: nonneg,
  hdr: v.optional(hdr),
});

const counters = v.record(text, nonneg, 'must be an object of name → number');

const errors = v.record(
  text,
  v.looseObject({
    count,
    sample: text,
    messages: v.optional(v.array(v.looseObject({ message: text, count, example: v.optional(text) }))),
  }),
);

const ms = v.nullable(nonneg);
const point = v.looseObject({
  t: v.pipe(num, v.integer('must be a whole number')),
  connected: nonneg,
  sessionsStarted: nonneg,
  messagesSent: nonneg,
  messagesReceived: nonneg,
  errors: nonneg,
  ackP50: ms,
  ackP99: ms,
  connectP99: ms,
  requestP99: v.optional(ms),
  sseFirstP99: v.optional(ms),
});

const workers = v.looseObject({
  connections: v.record(text, nonneg),
  unidentified: v.optional(nonneg),
  maxOverMean: v.optional(v.nullable(nonneg)),
  cv: v.optional(v.nullable(nonneg)),
  maxShare: v.optional(v.nullable(nonneg)),
  stickiness: v.optional(v.nullable(nonneg)),
});

const processHealth = v.looseObject({
  index: count,
  pid: v.optional(num),
  cpuMean: v.optional(nonneg),
  cpuMax: v.optional(nonneg),
  loopDelayP99: v.optional(nonneg),
  loopDelayMax: v.optional(nonneg),
  rssMaxMb: v.optional(nonneg),
  peakClients: v.optional(nonneg),
});

const generator = v.looseObject({
  processes: v.array(processHealth),
  saturation: v.looseObject({
    saturated: v.boolean('must be true or false'),
    verdict: v.optional(v.picklist(['ok', 'generator', 'host'], 'must be ok, generator or host')),
    reasons: v.array(text),
  }),
});

const threshold = v.looseObject({
  subject: text,
  condition: text,
  actual: v.nullable(num),
  ok: v.boolean('must be true or false'),
  abortOnFail: v.optional(v.boolean('must be true or false')),
});

const round = v.looseObject({
  metrics: v.record(text, v.looseObject({ p50: nonneg, p90: nonneg, p99: nonneg, p999: nonneg, mean: nonneg })),
  throughput: nonneg,
  errorRate: nonneg,
});

const server = v.looseObject({
  workers: v.array(v.looseObject({ id: text, pid: v.optional(num), current: nonneg, total: nonneg, messages: v.optional(nonneg) })),
  counters,
  mismatches: v.array(text),
});

const status = v.picklist(['completed', 'interrupted', 'failed'], 'must be completed, interrupted or failed');

const run = v.looseObject({
  topology: text,
  target: text,
  engine: text,
  status,
  failure: v.optional(v.looseObject({ code: text, message: text })),
  startedAt: text,
  durationMs: nonneg,
  metrics: v.record(text, metric),
  counters,
  errors,
  workers,
  server: v.optional(server),
  timeseries: v.array(point),
  generator,
  rounds: v.optional(v.array(round)),
  thresholds: v.array(threshold),
});

const searchStep = v.looseObject({
  rate: nonneg,
  passed: v.boolean('must be true or false'),
  status,
  sessionsPerSec: nonneg,
  msgsPerSec: nonneg,
  thresholds: v.array(threshold),
  latency: v.record(text, v.looseObject({ p50: nonneg, p99: nonneg })),
  result: run,
});

const search = v.looseObject({
  topology: text,
  steps: v.array(searchStep),
  maxRate: v.nullable(nonneg),
  maxMsgsPerSec: v.nullable(nonneg),
  verdict: text,
});

export const RunFileSchema = v.looseObject({
  schema: v.literal(RESULT_SCHEMA, `must be "${RESULT_SCHEMA}"`),
  scenario: v.looseObject({ name: text, file: text }),
  environment: v.looseObject({
    rtbench: text,
    node: text,
    platform: text,
    arch: text,
    cpus: v.looseObject({ model: text, count: nonneg }),
    memoryGb: nonneg,
    hostname: text,
    gitSha: v.optional(v.nullable(text)),
  }),
  createdAt: text,
  runs: v.array(run, 'must be a list of runs'),
  search: v.optional(v.array(search)),
  showQuery: v.optional(v.array(text)),
});

/** `runs[0].metrics.ack.p99` from a valibot issue's path (`''` for the file itself). */
export function fieldOf(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** A value as shown in a problem: short, never the whole of a large object. */
function shown(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (x !== null && typeof x === 'object') return 'an object';
  const s = JSON.stringify(x) ?? String(x);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Each problem of `data` as `field: what it must be (got …)`; empty when it is a valid result. */
export function resultProblems(data: unknown): string[] {
  const r = v.safeParse(RunFileSchema, data, { abortPipeEarly: true });
  if (r.success) return [];
  return r.issues.map((i) => {
    const field = fieldOf(i) || 'the file';
    return i.input === undefined && i.path?.length ? `${field}: is missing` : `${field}: ${i.message} (got ${shown(i.input)})`;
  });
}
