import { connectProblems } from '../clients/connect-options.ts';
import { show } from '../util/show.ts';
import { InputError } from '../shared/errors.ts';
import { parseThresholds, type Threshold } from '../thresholds/parse.ts';
import { suggestion } from '../shared/suggest.ts';
import { missingUnit, parseDuration } from '../shared/duration.ts';
import type { SearchBlock } from './types.ts';
import type { RunFile } from '../result/types.ts';
import { ENGINE_NAMES, type EngineName } from '../clients/engine-name.ts';
import { resolveFaults, resolveReconnect, type ReconnectPolicy, type ResolvedFault } from './faults.ts';
import { resolveCustom, undeclaredSubjects, writtenKinds, type ResolvedCustom } from './custom.ts';
import { checkSearchBlock } from './search-block.ts';
import { checkEngines, DEFAULT_PATHS } from './engines.ts';
import { resolveSequences, sequenceSubjects, type ResolvedSequence } from './sequences.ts';

/** One load phase with its times resolved (ms from the run start). */
export interface ResolvedPhase {
  index: number;
  name: string;
  kind: 'arrivals' | 'vus';
  startMs: number;
  durationMs: number;
  /** Rate per second (arrivals) or VU count (vus) at the phase start and end. */
  from: number;
  to: number;
}

/** A validated scenario: plain, serialisable options (the session function stays in the module). */
export interface ResolvedScenario extends ResolvedCustom {
  name: string;
  description: string;
  file: string;
  topologies: string[];
  requiresTarget: boolean;
  engine: EngineName;
  /** Engine per topology name (the scenario's `engines`), over `engine`; see `forTopology`. */
  engines: Partial<Record<string, EngineName>>;
  transports: Array<'websocket' | 'polling'>;
  path: string;
  /** `ws` engine: 'reference' (rtbench's JSON events and acks, besides raw frames) or 'raw' (raw frames only). */
  protocol: 'reference' | 'raw';
  phases: ResolvedPhase[];
  totalMs: number;
  ackTimeoutMs: number;
  connectTimeoutMs: number;
  gracefulStopMs: number;
  sourceIps: number | string[];
  generators: number | null;
  maxConcurrentPerGenerator: number | null;
  /** Declared peak of concurrent clients (open model), or null. */
  peakClients: number | null;
  server: { pushRate: number; pingIntervalMs: number | null; pingTimeoutMs: number | null; maxConnectionsPerWorker: number | null; recoveryMs?: number };
  thresholds: Record<string, string | { condition: string; abortOnFail?: boolean } | false>;
  /** `thresholds` parsed, once, here (its problems reported with the others); the plan adds the default gate (src/plan/gate.ts). */
  parsedThresholds: Threshold[];
  /** Fault timeline, sorted by time (ms from the load start). */
  faults: ResolvedFault[];
  /** Client reconnection after unexpected disconnects, or null (off). */
  reconnect: ReconnectPolicy | null;
  /** The `sequences` entries (delivery counted on the user's own streams), in declaration order. */
  sequences: ResolvedSequence[];
  /** The capacity search block (`--find-max`), as written, or null. */
  search: SearchBlock | null;
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'description',
  'topology',
  'requiresTarget',
  'engine',
  'engines',
  'transports',
  'path',
  'phases',
  'session',
  'ackTimeout',
  'connectTimeout',
  'gracefulStop',
  'sourceIps',
  'generators',
  'maxConcurrentPerGenerator',
  'server',
  'thresholds',
  'faults',
  'reconnect',
  'peakClients',
  'connect',
  'search',
  'sessions',
  'metrics',
  'setup',
  'teardown',
  'setupTimeout',
  'protocol',
  'sequences',
  'parseMessage',
]);

type Problems = string[];

function checkRamp(v: unknown, field: string, problems: Problems, max: number): { from: number; to: number } | null {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= max;
  if (ok(v)) return { from: v, to: v };
  if (v && typeof v === 'object' && 'from' in v && 'to' in v) {
    const r = v as { from: unknown; to: unknown };
    if (ok(r.from) && ok(r.to)) return { from: r.from, to: r.to };
  }
  problems.push(`\`${field}\` must be a number from 0 to ${max} or { from, to } with such numbers (got ${show(v)})`);
  return null;
}

function durationField(s: Record<string, unknown>, key: string, dflt: number, problems: Problems): number {
  if (s[key] === undefined) return dflt;
  const ms = parseDuration(s[key]);
  if (ms === null) problems.push(`\`${key}\` must be a duration like '500ms', '10s' or '2m' (got ${show(s[key])})${missingUnit(s[key])}`);
  return ms ?? dflt;
}

const PHASE_FIELDS = ['name', 'duration', 'arrivalRate', 'vus'];

function resolvePhases(raw: unknown, problems: Problems): ResolvedPhase[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push("`phases` must be a non-empty array of phases, e.g. [{ duration: '10s', arrivalRate: 20 }]");
    return [];
  }
  const phases: ResolvedPhase[] = [];
  let startMs = 0;
  raw.forEach((p: unknown, i) => {
    const where = `phases[${i}]`;
    if (!p || typeof p !== 'object') {
      problems.push(`\`${where}\` must be an object with \`duration\` and \`arrivalRate\` or \`vus\``);
      return;
    }
    const ph = p as Record<string, unknown>;
    for (const k of Object.keys(ph)) {
      if (!PHASE_FIELDS.includes(k)) problems.push(`\`${where}.${k}\` is not a phase field${suggestion(k, PHASE_FIELDS)} (known: ${PHASE_FIELDS.join(', ')})`);
    }
    const durationMs = parseDuration(ph.duration);
    if (durationMs === null || durationMs <= 0) {
      problems.push(`\`${where}.duration\` must be a positive duration like '10s' (got ${show(ph.duration)})${missingUnit(ph.duration)}`);
    }
    const hasRate = ph.arrivalRate !== undefined;
    const hasVus = ph.vus !== undefined;
    if (hasRate === hasVus) {
      problems.push(`\`${where}\` must have exactly one of \`arrivalRate\` (open model) or \`vus\` (closed model)`);
      return;
    }
    const ramp = hasRate ? checkRamp(ph.arrivalRate, `${where}.arrivalRate`, problems, 100_000) : checkRamp(ph.vus, `${where}.vus`, problems, 1_000_000);
    if (!ramp || durationMs === null || durationMs <= 0) return;
    if (hasVus && (!Number.isInteger(ramp.from) || !Number.isInteger(ramp.to))) {
      problems.push(`\`${where}.vus\` must be whole numbers (got ${show(ph.vus)})`);
      return;
    }
    const name = typeof ph.name === 'string' && ph.name ? ph.name : `phase ${i + 1}`;
    phases.push({ index: i, name, kind: hasRate ? 'arrivals' : 'vus', startMs, durationMs, ...ramp });
    startMs += durationMs;
  });
  return phases;
}

/**
 * Validate a scenario module's default export. Reports **every** problem at once, each
 * naming the field, in one `InputError` (`E_SCENARIO_INVALID`) naming the file.
 */
export function validateScenario(value: unknown, file: string): ResolvedScenario {
  const problems: Problems = [];
  if (!value || typeof value !== 'object') {
    throw new InputError('E_SCENARIO_INVALID', `scenario ${file} has no default export object`, {
      hint: 'end the file with `export default defineScenario({ name, phases, session })`',
    });
  }
  const s = value as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!KNOWN_FIELDS.has(key)) problems.push(`\`${key}\` is not a scenario field${suggestion(key, KNOWN_FIELDS)} (known: ${[...KNOWN_FIELDS].join(', ')})`);
  }
  if (typeof s.name !== 'string' || !s.name.trim()) problems.push('`name` must be a non-empty string');
  const custom = resolveCustom(s, problems);

  let topologies = ['single'];
  if (s.topology !== undefined) {
    const list = Array.isArray(s.topology) ? s.topology : [s.topology];
    if (list.length === 0 || !list.every((t) => typeof t === 'string' && t.length > 0)) {
      problems.push(`\`topology\` must be a topology name or a non-empty array of names (got ${show(s.topology)})`);
    } else topologies = list as string[];
  }
  const engine = (s.engine ?? 'socket.io') as EngineName;
  if (!ENGINE_NAMES.includes(engine)) problems.push(`\`engine\` must be one of ${ENGINE_NAMES.map((e) => `'${e}'`).join(', ')} (got ${show(s.engine)})`);
  const engines = checkEngines(s.engines, problems);
  const transports = (s.transports ?? ['websocket']) as Array<'websocket' | 'polling'>;
  if (!Array.isArray(transports) || transports.length === 0 || !transports.every((t) => t === 'websocket' || t === 'polling')) {
    problems.push(`\`transports\` must be a non-empty array of 'websocket' and/or 'polling' (got ${show(s.transports)})`);
  } else if ((engine === 'socket.io-lean' || engine === 'socketcluster' || engine === 'sse') && transports.includes('polling')) {
    problems.push(
      `\`transports\` must be ['websocket'] with engine '${engine}', which has no long-polling (got ${show(s.transports)}); use engine 'socket.io' for 'polling'`,
    );
  }
  if (s.path !== undefined && (typeof s.path !== 'string' || !s.path.startsWith('/'))) {
    problems.push(`\`path\` must be a string starting with '/' (got ${show(s.path)})`);
  }
  if (s.protocol !== undefined && s.protocol !== 'reference' && s.protocol !== 'raw') {
    problems.push(`\`protocol\` must be 'reference' (rtbench's JSON events, the default) or 'raw' (your own frames only) (got ${show(s.protocol)})`);
  } else if (s.protocol === 'raw' && engine !== 'ws')
    problems.push(`\`protocol: 'raw'\` is for engine 'ws' (got engine '${engine}'): set \`engine: 'ws'\`, or remove \`protocol\``);
  if (typeof s.connect !== 'function') problems.push(...connectProblems(s.connect, 'connect', engine));
  const phases = resolvePhases(s.phases, problems);
  const ackTimeoutMs = durationField(s, 'ackTimeout', 10_000, problems);
  const connectTimeoutMs = durationField(s, 'connectTimeout', 10_000, problems);
  const gracefulStopMs = durationField(s, 'gracefulStop', 10_000, problems);

  let sourceIps: number | string[] = 8;
  if (s.sourceIps !== undefined) {
    const v = s.sourceIps;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65_000) sourceIps = v;
    else if (Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'string')) sourceIps = v as string[];
    else problems.push(`\`sourceIps\` must be a count from 1 to 65000 or a non-empty list of loopback addresses (got ${show(v)})`);
  }
  const intOrNull = (key: string, max: number): number | null => {
    const v = s[key];
    if (v === undefined) return null;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max) return v;
    problems.push(`\`${key}\` must be a whole number from 1 to ${max} (got ${show(v)})`);
    return null;
  };
  const generators = intOrNull('generators', 256);
  const maxConcurrentPerGenerator = intOrNull('maxConcurrentPerGenerator', 1_000_000);
  const peakClients = intOrNull('peakClients', 10_000_000);
  let pushRate = 0;
  let pingIntervalMs: number | null = null;
  let pingTimeoutMs: number | null = null;
  let maxConnectionsPerWorker: number | null = null;
  let recoveryMs: number | null = null;
  if (s.server !== undefined) {
    const srv = s.server as Record<string, unknown> | null;
    const pr = srv && typeof srv === 'object' ? srv.pushRate : undefined;
    if (!srv || typeof srv !== 'object') problems.push('`server` must be an object like { pushRate: 10 }');
    else if (pr !== undefined && (typeof pr !== 'number' || pr < 0 || pr > 1000))
      problems.push(`\`server.pushRate\` must be a number from 0 to 1000 (got ${show(pr)})`);
    else pushRate = (pr as number | undefined) ?? 0;
    const hb = srv && typeof srv === 'object' ? (srv.heartbeat as Record<string, unknown> | undefined) : undefined;
    if (hb !== undefined) {
      const ms = (v: unknown): number | null => {
        const d = parseDuration(v);
        return d !== null && d >= 100 && d <= 600_000 ? d : null;
      };
      pingIntervalMs = hb && typeof hb === 'object' ? ms(hb.interval) : null;
      pingTimeoutMs = hb && typeof hb === 'object' ? ms(hb.timeout) : null;
      if (pingIntervalMs === null || pingTimeoutMs === null)
        problems.push(`\`server.heartbeat\` must be { interval, timeout } with durations from 100ms to 10m (got ${show(hb)})`);
    }
    const cap = srv && typeof srv === 'object' ? srv.maxConnectionsPerWorker : undefined;
    if (cap !== undefined) {
      if (typeof cap === 'number' && Number.isInteger(cap) && cap >= 1 && cap <= 10_000_000) maxConnectionsPerWorker = cap;
      else problems.push(`\`server.maxConnectionsPerWorker\` must be a whole number from 1 to 10000000 (got ${show(cap)})`);
    }
    if (srv && typeof srv === 'object' && srv.recovery !== undefined && srv.recovery !== false) {
      recoveryMs = srv.recovery === true ? 120_000 : parseDuration(srv.recovery);
      if (recoveryMs === null || recoveryMs <= 0)
        problems.push(
          `\`server.recovery\` must be true (2 minutes, socket.io's default), false, or how long a disconnected session is kept, e.g. '30s' (got ${show(srv.recovery)})${missingUnit(srv.recovery)}`,
        );
    }
    const known = ['pushRate', 'heartbeat', 'maxConnectionsPerWorker', 'recovery'];
    for (const k of Object.keys(srv ?? {}))
      if (!known.includes(k)) problems.push(`\`server.${k}\` is not a server option${suggestion(k, known)} (known: ${known.join(', ')})`);
  }
  const thresholds = (s.thresholds ?? {}) as ResolvedScenario['thresholds'];
  let parsedThresholds: Threshold[] = [];
  const sequences = resolveSequences(s, engine, s.protocol, problems);
  if (typeof thresholds !== 'object' || thresholds === null || Array.isArray(thresholds))
    problems.push('`thresholds` must be an object of subject → condition');
  else {
    const parsed = parseThresholds(thresholds, custom.metrics);
    const seq = sequenceSubjects(parsed.thresholds, sequences, s.sequences);
    problems.push(...parsed.problems, ...seq.problems, ...undeclaredSubjects(seq.others, custom, writtenKinds(s)));
    parsedThresholds = parsed.thresholds;
  }
  if (s.requiresTarget !== undefined && typeof s.requiresTarget !== 'boolean') problems.push('`requiresTarget` must be true or false');
  const end = phases.length ? phases[phases.length - 1]!.startMs + phases[phases.length - 1]!.durationMs : Infinity;
  const faults = resolveFaults(s.faults, problems, end);
  const search = checkSearchBlock(s.search, problems);
  // an `sse` client reconnects as browsers' EventSource does, unless `reconnect: false`
  const reconnect = resolveReconnect(s.reconnect, faults.length > 0 || engine === 'sse', problems);
  if (faults.some((f) => f.action === 'network') && transports.includes('polling'))
    problems.push("network faults act on the clients' WebSocket connections: use `transports: ['websocket']` (long-polling has no one connection to cut)");
  for (const f of faults) if (f.atMs >= end) problems.push(`fault \`${f.label}\` is at ${f.atMs}ms, after the last phase ends (${end}ms): move \`at\` earlier`);

  if (problems.length > 0) {
    throw new InputError('E_SCENARIO_INVALID', `scenario ${file} has ${problems.length} problem${problems.length > 1 ? 's' : ''}`, {
      details: problems,
      hint: 'correct the fields listed above (see docs/scenarios.md, "Writing a scenario")',
    });
  }
  const last = phases[phases.length - 1]!;
  return {
    name: (s.name as string).trim(),
    description: typeof s.description === 'string' ? s.description : '',
    file,
    topologies,
    requiresTarget: s.requiresTarget === true,
    engine,
    engines,
    transports,
    path: (s.path as string | undefined) ?? DEFAULT_PATHS[engine],
    protocol: s.protocol === 'raw' ? 'raw' : 'reference',
    phases,
    totalMs: last.startMs + last.durationMs,
    ackTimeoutMs,
    connectTimeoutMs,
    gracefulStopMs,
    sourceIps,
    generators,
    maxConcurrentPerGenerator,
    peakClients,
    server: { pushRate, pingIntervalMs, pingTimeoutMs, maxConnectionsPerWorker, ...(recoveryMs ? { recoveryMs } : {}) },
    thresholds,
    parsedThresholds,
    faults,
    search,
    reconnect,
    sequences,
    ...custom,
  };
}

/**
 * The scenario as a result file records it: its name, its file, and its options with `thresholds`
 * as written, without their parsed form (derived, and noise in the report's options table).
 */
export function recordedScenario(s: ResolvedScenario, file: string): RunFile['scenario'] {
  const { parsedThresholds: _parsed, ...options } = s;
  return { name: s.name, file, options };
}

/** Scale every phase so the whole run lasts `totalMs` (the `--duration` override). */
export function withTotalDuration(s: ResolvedScenario, totalMs: number): ResolvedScenario {
  const k = totalMs / s.totalMs;
  let start = 0;
  const phases = s.phases.map((p) => {
    const durationMs = p.durationMs * k;
    const out = { ...p, startMs: start, durationMs };
    start += durationMs;
    return out;
  });
  return { ...s, phases, totalMs, faults: s.faults.map((f) => ({ ...f, atMs: f.atMs * k })) };
}
