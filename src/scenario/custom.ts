import { BUILTIN_TRENDS, isBuiltinTrend, isReservedName } from '../metrics/names.ts';
import { suggestion } from '../shared/suggest.ts';
import type { Threshold } from '../thresholds/parse.ts';
import { show } from '../util/show.ts';
import { parseDuration } from '../shared/duration.ts';
import type { MixEntry } from './mix.ts';
import type { MetricDeclarations } from '../metrics/declared.ts';

/** The user-code fields of a scenario (issue 12, parts 3–5), validated and in serialisable form. */
export interface ResolvedCustom {
  /** Declared custom metrics, name → kind (`{}` when none). */
  metrics: MetricDeclarations;
  /** The weighted mix of `sessions`, in declaration order, or null with a single `session`. */
  sessions: MixEntry[] | null;
  /** Whether the scenario has `setup()` / `teardown()`. */
  setup: boolean;
  teardown: boolean;
  setupTimeoutMs: number;
}

const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const KIND_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TOTAL_WEIGHT = 10_000;
const SESSION_FN = 'an async function (client, ctx) => { ... }';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate `metrics`, `session`/`sessions`, `setup`, `teardown`, `setupTimeout`; problems are appended. */
export function resolveCustom(s: Record<string, unknown>, problems: string[]): ResolvedCustom {
  const metrics: MetricDeclarations = {};
  if (s.metrics !== undefined) {
    if (!isObject(s.metrics))
      problems.push(`\`metrics\` must be an object of name → 'trend' | 'counter', e.g. { fanout: 'trend', delivered: 'counter' } (got ${show(s.metrics)})`);
    else {
      for (const [name, kind] of Object.entries(s.metrics)) {
        if (!METRIC_NAME.test(name))
          problems.push(
            `\`metrics['${name}']\`: a metric name is letters, digits and _ (not starting with a digit), at most 64 characters: rename it, e.g. \`${
              name
                .replace(/[^A-Za-z0-9_]/g, '_')
                .replace(/^(\d)/, '_$1')
                .slice(0, 64) || 'my_metric'
            }\``,
          );
        else if (isReservedName(name)) problems.push(`\`metrics.${name}\` shadows rtbench's built-in \`${name}\`: rename it, e.g. \`my_${name}\``);
        else if (kind !== 'trend' && kind !== 'counter')
          problems.push(`\`metrics.${name}\` must be 'trend' (a latency histogram in ms) or 'counter' (got ${show(kind)})`);
        else metrics[name] = kind;
      }
    }
  }
  const sessions = resolveSessions(s, problems);
  for (const key of ['setup', 'teardown'] as const) {
    if (s[key] !== undefined && typeof s[key] !== 'function') {
      problems.push(
        key === 'setup'
          ? `\`setup\` must be a function (ctx) => data, async or not (got ${show(s.setup)})`
          : `\`teardown\` must be a function (data, ctx) => { ... }, async or not (got ${show(s.teardown)})`,
      );
    }
  }
  let setupTimeoutMs = 60_000;
  if (s.setupTimeout !== undefined) {
    const ms = parseDuration(s.setupTimeout);
    if (ms === null || ms <= 0) problems.push(`\`setupTimeout\` must be a positive duration like '30s' (got ${show(s.setupTimeout)})`);
    else setupTimeoutMs = ms;
  }
  return { metrics, sessions, setup: typeof s.setup === 'function', teardown: typeof s.teardown === 'function', setupTimeoutMs };
}

function resolveSessions(s: Record<string, unknown>, problems: string[]): MixEntry[] | null {
  // both set: said, and `sessions` is still checked, so that every problem is listed at once
  if (s.session !== undefined && s.sessions !== undefined)
    problems.push('`session` and `sessions` are both set: keep exactly one (one `session`, or a weighted mix in `sessions`)');
  if (s.sessions === undefined) {
    if (typeof s.session !== 'function') problems.push(`\`session\` must be ${SESSION_FN} (or use \`sessions\` for a weighted mix)`);
    return null;
  }
  if (!isObject(s.sessions) || Object.keys(s.sessions).length === 0) {
    problems.push(
      `\`sessions\` must be a non-empty object of name → { weight, session }, e.g. { listener: { weight: 9, session: listen }, sender: { weight: 1, session: send } } (got ${show(s.sessions)})`,
    );
    return null;
  }
  const out: MixEntry[] = [];
  for (const [name, entry] of Object.entries(s.sessions)) {
    const where = `sessions.${name}`;
    if (!KIND_NAME.test(name)) {
      problems.push(`\`sessions['${name}']\`: a session name is letters, digits, _ and -, at most 64 characters`);
      continue;
    }
    if (!isObject(entry)) {
      problems.push(`\`${where}\` must be { weight, session } (got ${show(entry)})`);
      continue;
    }
    for (const k of Object.keys(entry))
      if (k !== 'weight' && k !== 'session') problems.push(`\`${where}.${k}\` is not a field of a mix entry (known: weight, session)`);
    const w = entry.weight;
    const okWeight = typeof w === 'number' && Number.isInteger(w) && w >= 1 && w <= MAX_TOTAL_WEIGHT;
    if (!okWeight) problems.push(`\`${where}.weight\` must be a whole number from 1 to ${MAX_TOTAL_WEIGHT} (got ${show(w)})`);
    if (typeof entry.session !== 'function') problems.push(`\`${where}.session\` must be ${SESSION_FN}`);
    if (okWeight) out.push({ name, weight: w });
  }
  const total = out.reduce((a, e) => a + e.weight, 0);
  if (total > MAX_TOTAL_WEIGHT)
    problems.push(`the weights in \`sessions\` add up to ${total}: keep them at most ${MAX_TOTAL_WEIGHT} in total (they are relative: 90/10 is 9/1)`);
  return out;
}

/** The kind names written in a scenario's `sessions` (valid entries or not), or null without a `sessions` object. */
export function writtenKinds(s: Record<string, unknown>): string[] | null {
  return isObject(s.sessions) ? Object.keys(s.sessions) : null;
}

/**
 * Threshold subjects that name a metric the run cannot have: neither built in nor declared, a
 * counter read as a latency, or a `session:<kind>` the mix does not hold. Refused before any load.
 * `written`: the kinds as written in `sessions` (`writtenKinds`); a kind written there with a bad
 * entry is not reported again here (its entry's problems are).
 */
export function undeclaredSubjects(
  thresholds: Threshold[],
  c: Pick<ResolvedCustom, 'metrics' | 'sessions'>,
  written: string[] | null = c.sessions?.map((e) => e.name) ?? null,
): string[] {
  const problems: string[] = [];
  for (const t of thresholds) {
    if (t.parsed.kind !== 'latency') continue;
    const m = t.parsed.metric;
    const declared = Object.hasOwn(c.metrics, m) ? c.metrics[m] : undefined;
    if (declared === 'trend') continue;
    if (m.startsWith('session:')) {
      const kind = m.slice('session:'.length);
      if (written === null)
        problems.push(
          `\`thresholds['${t.subject}']\`: \`session:${kind}\` exists only with a \`sessions\` mix; use \`session.${t.subject.slice(m.length + 1)}\` for the single \`session\``,
        );
      else if (!written.includes(kind)) {
        const has = written.length ? `it has ${written.map((n) => `\`${n}\``).join(', ')}${suggestion(kind, written)}` : 'it has no entries';
        problems.push(`\`thresholds['${t.subject}']\`: \`sessions\` has no \`${kind}\` (${has})`);
      }
      continue;
    }
    if (isBuiltinTrend(m)) continue;
    const near = suggestion(m, [...BUILTIN_TRENDS, ...Object.keys(c.metrics).filter((k) => c.metrics[k] === 'trend')]);
    problems.push(
      `\`thresholds['${t.subject}']\` names \`${m}\`${near}, which is neither a built-in metric (connect, ack, ack:<event>, broadcast, push, session, …) nor declared: add \`metrics: { ${m}: 'trend' }\` (or 'counter', read as \`${m}.count\`)`,
    );
  }
  return problems;
}
