import { missingUnit, parseDuration, type Duration } from '../shared/duration.ts';

import { FAULT_ROLES, type FaultRole } from '../shared/faults.ts';
import { suggestion } from '../shared/suggest.ts';

const FAULT_FIELDS = ['at', 'kill', 'pause', 'restart', 'run', 'index', 'for', 'name', 'on'];

export { FAULT_ROLES, type FaultRole };

/**
 * One entry of a scenario's fault timeline. Exactly one action:
 * - `kill: role` — SIGKILL the piece (`index` picks which one, default 0);
 * - `pause: role, for: '5s'` — SIGSTOP, then SIGCONT after `for`: a hung, not dead, process;
 * - `restart: role` — SIGTERM, and the topology's supervisor starts it again;
 * - `run: 'shell command'` — the user's own command (for an external `--target`).
 */
export interface Fault {
  at: Duration;
  kill?: FaultRole;
  pause?: FaultRole;
  restart?: FaultRole;
  run?: string;
  index?: number;
  for?: Duration;
  /** Shown in reports; default e.g. `kill worker#1 @20s`. */
  name?: string;
  /** Only for these topologies (names such as 'router' or specs such as 'cluster:2'); default all. */
  on?: string | string[];
}

/** A fault with its time resolved (ms from the load start). */
export interface ResolvedFault {
  label: string;
  atMs: number;
  action: 'kill' | 'pause' | 'restart' | 'run';
  role: FaultRole | null;
  index: number;
  /** Pause length (pause only). */
  forMs: number | null;
  /** Shell command (run only). */
  command: string | null;
  /** Topologies it applies to (empty = all). */
  on: string[];
}

/** The faults that apply to one topology run (`on` matches the name or the whole spec). */
export function faultsFor(faults: ResolvedFault[], topology: string): ResolvedFault[] {
  const name = topology.split(':')[0];
  return faults.filter((f) => f.on.length === 0 || f.on.includes(topology) || f.on.includes(name!));
}

/** Client reconnection after an unexpected disconnect (exponential backoff with jitter, as socket.io-client does). */
export interface ReconnectOption {
  /** Attempts before giving up. Default 20. */
  attempts?: number;
  /** First delay. Default `'200ms'`. */
  delay?: Duration;
  /** Longest delay. Default `'2s'`. */
  maxDelay?: Duration;
}

export interface ReconnectPolicy {
  attempts: number;
  delayMs: number;
  maxDelayMs: number;
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));

function duration(v: unknown, field: string, problems: string[]): number | null {
  const ms = parseDuration(v);
  if (ms === null) problems.push(`\`${field}\` must be a duration such as '500ms', '20s' or '2m' (got ${show(v)})${missingUnit(v)}`);
  return ms;
}

/** Validate `faults`; every problem is pushed (naming the entry and field), nothing thrown. */
export function resolveFaults(v: unknown, problems: string[]): ResolvedFault[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push(`\`faults\` must be a list like [{ at: '20s', kill: 'worker', index: 1 }] (got ${show(v)})`);
    return [];
  }
  const out: ResolvedFault[] = [];
  v.forEach((raw: unknown, i) => {
    const f = `faults[${i}]`;
    if (!raw || typeof raw !== 'object') return void problems.push(`\`${f}\` must be an object (got ${show(raw)})`);
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!FAULT_FIELDS.includes(k)) problems.push(`\`${f}.${k}\` is not a fault field${suggestion(k, FAULT_FIELDS)} (known: ${FAULT_FIELDS.join(', ')})`);
    const actions = (['kill', 'pause', 'restart', 'run'] as const).filter((a) => e[a] !== undefined);
    if (actions.length !== 1) return void problems.push(`\`${f}\` needs exactly one of kill, pause, restart, run (got ${actions.length ? actions.join(', ') : 'none'})`);
    const action = actions[0]!;
    const atMs = duration(e.at, `${f}.at`, problems);
    let role: FaultRole | null = null;
    let command: string | null = null;
    if (action === 'run') {
      if (typeof e.run !== 'string' || !e.run.trim()) problems.push(`\`${f}.run\` must be a shell command string (got ${show(e.run)})`);
      else command = e.run;
    } else if (!(FAULT_ROLES as readonly unknown[]).includes(e[action])) {
      problems.push(`\`${f}.${action}\` must be one of ${FAULT_ROLES.map((r) => `'${r}'`).join(', ')} (got ${show(e[action])})`);
    } else role = e[action] as FaultRole;
    const index = e.index === undefined ? 0 : e.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 63) problems.push(`\`${f}.index\` must be a whole number from 0 to 63 (got ${show(e.index)})`);
    let forMs: number | null = null;
    if (action === 'pause') forMs = e.for === undefined ? (problems.push(`\`${f}.for\` is required with pause (how long the process stays stopped, e.g. '5s')`), null) : duration(e.for, `${f}.for`, problems);
    else if (e.for !== undefined) problems.push(`\`${f}.for\` only goes with pause`);
    if (e.name !== undefined && typeof e.name !== 'string') problems.push(`\`${f}.name\` must be a string`);
    const on = e.on === undefined ? [] : Array.isArray(e.on) ? e.on : [e.on];
    if (!on.every((t) => typeof t === 'string' && t.length > 0)) problems.push(`\`${f}.on\` must be a topology name or a list of them (got ${show(e.on)})`);
    if (atMs === null) return;
    const what = action === 'run' ? `run \`${(command ?? '').slice(0, 40)}\`` : `${action} ${role}#${String(index)}`;
    out.push({
      label: typeof e.name === 'string' && e.name ? e.name : `${what} @${atMs / 1000}s`,
      atMs,
      action,
      role,
      index: typeof index === 'number' ? index : 0,
      forMs,
      command,
      on: on as string[],
    });
  });
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** Validate `reconnect`: `true`/`false` or options. Defaults to on when the scenario has faults. */
export function resolveReconnect(v: unknown, hasFaults: boolean, problems: string[]): ReconnectPolicy | null {
  const dflt: ReconnectPolicy = { attempts: 20, delayMs: 200, maxDelayMs: 2000 };
  if (v === undefined) return hasFaults ? dflt : null;
  if (v === false) return null;
  if (v === true) return dflt;
  if (!v || typeof v !== 'object') {
    problems.push(`\`reconnect\` must be true, false or { attempts, delay, maxDelay } (got ${show(v)})`);
    return null;
  }
  const o = v as Record<string, unknown>;
  const attempts = o.attempts ?? dflt.attempts;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1 || attempts > 1000) problems.push(`\`reconnect.attempts\` must be a whole number from 1 to 1000 (got ${show(o.attempts)})`);
  const delayMs = o.delay === undefined ? dflt.delayMs : duration(o.delay, 'reconnect.delay', problems);
  const maxDelayMs = o.maxDelay === undefined ? dflt.maxDelayMs : duration(o.maxDelay, 'reconnect.maxDelay', problems);
  return { attempts: attempts as number, delayMs: delayMs ?? dflt.delayMs, maxDelayMs: Math.max(maxDelayMs ?? dflt.maxDelayMs, delayMs ?? 0) };
}
