import { missingUnit, parseDuration, type Duration } from '../shared/duration.ts';

import { FAULT_ROLES, type FaultRole } from '../shared/faults.ts';
import { suggestion } from '../shared/suggest.ts';

const FAULT_FIELDS = ['at', 'kill', 'pause', 'restart', 'run', 'network', 'clients', 'offline', 'every', 'index', 'for', 'name', 'on'];
const NETWORK_KINDS = ['drop', 'blackhole', 'slow'] as const;
/** Most occurrences one `every` entry may expand to. */
const MAX_EVERY = 1000;

/** A client-side network fault (src/clients/network-fault.ts). */
export type NetworkKind = (typeof NETWORK_KINDS)[number];

export { FAULT_ROLES, type FaultRole };

/**
 * One entry of a scenario's fault timeline. Exactly one action:
 * - `kill: role` — SIGKILL the piece (`index` picks which one, default 0);
 * - `pause: role, for: '5s'` — SIGSTOP, then SIGCONT after `for`: a hung, not dead, process;
 * - `restart: role` — SIGTERM, and the topology's supervisor starts it again;
 * - `run: 'shell command'` — the user's own command (for an external `--target`);
 * - `network: 'drop' | 'blackhole' | 'slow'` — on the generator's own sockets, against any server
 *   (`--target` too): `clients` (a share such as '50%' or a count) of the clients connected at that
 *   moment, chosen with a seeded random so runs repeat; `drop` resets their TCP connections (no close
 *   frame) and keeps them `offline` (default '0s') before they reconnect; `blackhole` silences them
 *   both ways `for` a while, `slow` stops their reading `for` a while.
 * `every: '15s'` repeats an entry through the run (from `at`, default one `every` in).
 */
export interface Fault {
  at?: Duration;
  network?: NetworkKind;
  /** Network faults: a share (`'10%'`) or a count (`25`) of the connected clients. Default `'100%'`. */
  clients?: string | number;
  /** `drop`: how long the clients stay offline before their reconnection starts. Default `'0s'`. */
  offline?: Duration;
  /** Repeat the entry at this interval until the run ends (from `at`, default one interval in). */
  every?: Duration;
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

/** Which clients a network fault hits: a share of those connected, or a count. */
export type ClientSelection = { share: number } | { count: number };

/** A fault with its time resolved (ms from the load start). */
export interface ResolvedFault {
  label: string;
  atMs: number;
  action: 'kill' | 'pause' | 'restart' | 'run' | 'network';
  /** Network faults: the kind, the clients it hits, and how long they stay offline (`drop`). */
  network?: NetworkKind;
  clients?: ClientSelection;
  offlineMs?: number;
  role: FaultRole | null;
  index: number;
  /** Pause length (pause), blackhole or slow length (network). */
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

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v)));

function duration(v: unknown, field: string, problems: string[]): number | null {
  const ms = parseDuration(v);
  if (ms === null) problems.push(`\`${field}\` must be a duration such as '500ms', '20s' or '2m' (got ${show(v)})${missingUnit(v)}`);
  return ms;
}

/** Validate `faults`; every problem is pushed (naming the entry and field), nothing thrown. `endMs`: the end of the last phase (`every` repeats until it). */
export function resolveFaults(v: unknown, problems: string[], endMs = Infinity): ResolvedFault[] {
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
    for (const k of Object.keys(e))
      if (!FAULT_FIELDS.includes(k)) problems.push(`\`${f}.${k}\` is not a fault field${suggestion(k, FAULT_FIELDS)} (known: ${FAULT_FIELDS.join(', ')})`);
    const actions = (['kill', 'pause', 'restart', 'run', 'network'] as const).filter((a) => e[a] !== undefined);
    if (actions.length !== 1)
      return void problems.push(`\`${f}\` needs exactly one of kill, pause, restart, run, network (got ${actions.length ? actions.join(', ') : 'none'})`);
    const action = actions[0]!;
    const everyMs = e.every === undefined ? null : duration(e.every, `${f}.every`, problems);
    if (everyMs !== null && everyMs < 100) problems.push(`\`${f}.every\` must be at least '100ms' (got ${show(e.every)})`);
    const atMs = e.at === undefined && everyMs !== null ? everyMs : duration(e.at, `${f}.at`, problems);
    let role: FaultRole | null = null;
    let command: string | null = null;
    let net: Pick<ResolvedFault, 'network' | 'clients' | 'offlineMs'> = {};
    if (action === 'run') {
      if (typeof e.run !== 'string' || !e.run.trim()) problems.push(`\`${f}.run\` must be a shell command string (got ${show(e.run)})`);
      else command = e.run;
    } else if (action === 'network') {
      net = resolveNetwork(e, f, problems);
    } else if (!(FAULT_ROLES as readonly unknown[]).includes(e[action])) {
      problems.push(`\`${f}.${action}\` must be one of ${FAULT_ROLES.map((r) => `'${r}'`).join(', ')} (got ${show(e[action])})`);
    } else role = e[action] as FaultRole;
    if (action !== 'network')
      for (const k of ['clients', 'offline'] as const)
        if (e[k] !== undefined) problems.push(`\`${f}.${k}\` only goes with network faults (\`network: 'drop' | 'blackhole' | 'slow'\`)`);
    const index = e.index === undefined ? 0 : e.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 63)
      problems.push(`\`${f}.index\` must be a whole number from 0 to 63 (got ${show(e.index)})`);
    let forMs: number | null = null;
    const knownKind = action !== 'network' || (NETWORK_KINDS as readonly unknown[]).includes(e.network);
    const needsFor = action === 'pause' || (action === 'network' && knownKind && e.network !== 'drop');
    if (needsFor)
      forMs =
        e.for === undefined
          ? (problems.push(
              `\`${f}.for\` is required with ${action === 'pause' ? 'pause (how long the process stays stopped' : `network '${String(e.network)}' (how long it lasts`}, e.g. '5s')`,
            ),
            null)
          : duration(e.for, `${f}.for`, problems);
    else if (e.for !== undefined && knownKind)
      problems.push(
        action === 'network'
          ? `\`${f}.for\` does not go with network 'drop': use \`offline\` (how long the clients stay away)`
          : `\`${f}.for\` only goes with pause and network faults`,
      );
    if (e.name !== undefined && typeof e.name !== 'string') problems.push(`\`${f}.name\` must be a string`);
    const on = e.on === undefined ? [] : Array.isArray(e.on) ? e.on : [e.on];
    if (!on.every((t) => typeof t === 'string' && t.length > 0)) problems.push(`\`${f}.on\` must be a topology name or a list of them (got ${show(e.on)})`);
    if (atMs === null) return;
    const what = action === 'run' ? `run \`${(command ?? '').slice(0, 40)}\`` : action === 'network' ? networkLabel(net) : `${action} ${role}#${String(index)}`;
    if (everyMs !== null && everyMs >= 100 && atMs >= endMs) {
      const at = e.at === undefined ? `its first at one \`every\` in (${atMs / 1000}s)` : `its first at ${show(e.at)}`;
      return void problems.push(
        `\`${f}.every\` ${show(e.every)} never fires: ${at} is after the last phase ends (${endMs / 1000}s); use a shorter \`every\` (or an earlier \`at\`), or a longer run`,
      );
    }
    const times = everyMs !== null && everyMs >= 100 ? occurrences(atMs, everyMs, endMs) : [atMs];
    if (times.length > MAX_EVERY)
      return void problems.push(`\`${f}.every\` repeats the fault ${times.length} times before the run ends: at most ${MAX_EVERY} (a longer interval)`);
    for (const t of times) {
      out.push({
        label: typeof e.name === 'string' && e.name ? (times.length > 1 ? `${e.name} @${t / 1000}s` : e.name) : `${what} @${t / 1000}s`,
        atMs: t,
        action,
        ...net,
        role,
        index: typeof index === 'number' ? index : 0,
        forMs,
        command,
        on: on as string[],
      });
    }
  });
  return out.sort((a, b) => a.atMs - b.atMs);
}

function occurrences(first: number, every: number, endMs: number): number[] {
  const out: number[] = [];
  for (let t = first; t < endMs && out.length <= MAX_EVERY; t += every) out.push(t);
  return out.length ? out : [first];
}

/** `network`, `clients`, `offline` of a network fault. */
function resolveNetwork(e: Record<string, unknown>, f: string, problems: string[]): Pick<ResolvedFault, 'network' | 'clients' | 'offlineMs'> {
  const kind = e.network as NetworkKind;
  if (!(NETWORK_KINDS as readonly unknown[]).includes(kind))
    problems.push(
      `\`${f}.network\` must be one of ${NETWORK_KINDS.map((k) => `'${k}'`).join(', ')}${typeof kind === 'string' ? suggestion(kind, NETWORK_KINDS) : ''} (got ${show(e.network)})`,
    );
  const clients = parseClients(e.clients ?? '100%');
  if (clients === null) problems.push(`\`${f}.clients\` must be a share from '0.1%' to '100%' or a whole number of clients ≥ 1 (got ${show(e.clients)})`);
  let offlineMs = 0;
  if (e.offline !== undefined && (NETWORK_KINDS as readonly unknown[]).includes(kind)) {
    if (kind !== 'drop')
      problems.push(`\`${f}.offline\` only goes with network 'drop' (how long the dropped clients stay away); '${String(kind)}' lasts \`for\``);
    else offlineMs = duration(e.offline, `${f}.offline`, problems) ?? 0;
  }
  return { network: kind, clients: clients ?? { share: 1 }, offlineMs };
}

/** `'50%'` → a share, `10` → a count; null when neither. */
export function parseClients(v: unknown): ClientSelection | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 10_000_000 ? { count: v } : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
  if (!m) return /^\s*\d+\s*$/.test(v) ? parseClients(Number(v)) : null;
  const p = Number(m[1]) / 100;
  return p >= 0.001 && p <= 1 ? { share: p } : null;
}

function networkLabel(n: Pick<ResolvedFault, 'network' | 'clients' | 'offlineMs'>): string {
  const who = n.clients ? ('share' in n.clients ? `${+(n.clients.share * 100).toFixed(2)}%` : `${n.clients.count} clients`) : '?';
  return `${n.network ?? 'network'} ${who}${n.network === 'drop' && n.offlineMs ? ` offline ${n.offlineMs / 1000}s` : ''}`;
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
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1 || attempts > 1000)
    problems.push(`\`reconnect.attempts\` must be a whole number from 1 to 1000 (got ${show(o.attempts)})`);
  const delayMs = o.delay === undefined ? dflt.delayMs : duration(o.delay, 'reconnect.delay', problems);
  const maxDelayMs = o.maxDelay === undefined ? dflt.maxDelayMs : duration(o.maxDelay, 'reconnect.maxDelay', problems);
  return { attempts: attempts as number, delayMs: delayMs ?? dflt.delayMs, maxDelayMs: Math.max(maxDelayMs ?? dflt.maxDelayMs, delayMs ?? 0) };
}
