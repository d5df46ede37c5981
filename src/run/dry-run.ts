import type { ConnectOptions } from '../clients/connect-options.ts';
import { forTopology } from '../scenario/engines.ts';
import type { SessionContext } from '../scenario/types.ts';
import type { EngineName } from '../clients/engine-name.ts';
import type { ResolvedScenario } from '../scenario/validate.ts';
import type { Target } from '../target/target.ts';
import { redactQueryObject, redactUrls, type ShownQuery } from '../util/redact.ts';
import type { Threshold } from '../thresholds/parse.ts';

export interface PlanInfo {
  scenarioFile: string;
  resolved: ResolvedScenario;
  target: Target | null;
  topologies: string[];
  generators: number;
  sourceIps: string[];
  /** The plan's parsed thresholds (the default gate included); null for a shard (`rtbench merge` evaluates them). */
  thresholds: Threshold[] | null;
  connect: ConnectOptions | ((ctx: SessionContext) => ConnectOptions | Promise<ConnectOptions>) | undefined;
  /** Query parameters shown in clear (`--show-query`); every other query value is printed as REDACTED. */
  showQuery?: ShownQuery;
}

/** What a caller that plans runs of its own (the capacity search) adds to the text. */
export interface PlanExtra {
  title?: string;
  /** The label of the `duration` row (a search's: `each step`). */
  durationLabel?: string;
  /** Rows after the plan's own. */
  rows?: Array<[string, string]>;
}

/**
 * `run --dry-run`: the plan as text (a pure function; nothing is connected or started).
 * Values of `auth` and `headers` are not printed, only their names; query values (of the target and
 * of `connect.query`) are REDACTED unless `--show-query` names them.
 */
export function describePlan(p: PlanInfo, extra: PlanExtra = {}): string {
  const { resolved: r, target: t } = p;
  const rows: Array<[string, string]> = [];
  rows.push(['scenario', `${r.name} (${p.scenarioFile})`]);
  rows.push(['engine', describeEngines(r, t ? [] : p.topologies)]);
  if (t) {
    rows.push(['target', `${t.shownUrl} → ${t.host}:${t.port}${t.loopback ? ' (loopback)' : ' (remote)'}`]);
    if (r.engine === 'ws' || r.engine === 'socketcluster') {
      const from = t.pathname ? 'path from --target' : r.engine === 'ws' && r.path === '/' ? 'no path in --target: /' : "the scenario's `path`";
      rows.push(['WebSocket', `${redactUrls(`${t.url.replace(/^http/, 'ws')}${t.pathname || r.path}${t.search}`, p.showQuery)} (${from})`]);
    } else if (r.engine === 'sse') {
      // the event stream's path: connect.path wins at run time (a static one is shown), then the target's, then `path`
      const own = (p.connect as { path?: unknown } | undefined)?.path;
      const [path, from] =
        typeof own === 'string' ? [own, '`connect.path`'] : t.pathname ? [t.pathname, 'path from --target'] : [r.path, "the scenario's `path`"];
      rows.push(['event stream', `${redactUrls(`${t.url}${path}${t.search}`)} (${from}); client.stream() requests go to ${t.url}`]);
    } else rows.push(['socket.io', `path ${r.path}, namespace ${t.pathname || '/'}${t.pathname ? ' (from --target)' : ''}`]);
  } else rows.push(['target', `the bundled reference server: ${p.topologies.join(', ')} (started on loopback at run time)`]);
  rows.push(['connect', describeConnect(p.connect, p.showQuery)]);
  p.resolved.phases.forEach((ph) => {
    const what = ph.kind === 'arrivals' ? 'arrivals/s' : 'VUs';
    const amount = ph.from === ph.to ? `${ph.from}` : `${ph.from} → ${ph.to}`;
    rows.push([`phase ${ph.index + 1}`, `${ph.name}: ${seconds(ph.durationMs)}, ${amount} ${what}`]);
  });
  rows.push([extra.durationLabel ?? 'duration', `${seconds(r.totalMs)} (+ up to ${seconds(r.gracefulStopMs)} graceful stop)`]);
  rows.push(['timeouts', `connect ${seconds(r.connectTimeoutMs)}, ack/request ${seconds(r.ackTimeoutMs)}`]);
  rows.push(['sessions', r.sessions ? `a mix by client id: ${r.sessions.map((e) => `${e.name} ${e.weight}`).join(' : ')}` : 'one session']);
  const declared = Object.entries(r.metrics);
  if (declared.length) rows.push(['metrics', declared.map(([n, k]) => `${n} (${k})`).join(', ')]);
  if (r.setup || r.teardown)
    rows.push([
      'setup',
      `${[r.setup ? 'setup()' : '', r.teardown ? 'teardown()' : ''].filter(Boolean).join(' and ')} in the coordinator around each load (not in a dry run; timeout ${seconds(r.setupTimeoutMs)})`,
    ]);
  rows.push(['generators', `${p.generators}`]);
  const ips = p.sourceIps;
  rows.push([
    'source',
    ips.length === 1 && ips[0] === ''
      ? "this host's own address (remote target: `sourceIps` is not used)"
      : `${ips.length} loopback address${ips.length > 1 ? 'es' : ''} (${ips.slice(0, 3).join(', ')}${ips.length > 3 ? ', …' : ''})`,
  ]);
  const th = (p.thresholds ?? []).map((t) => `${t.subject} ${t.condition}`); // the plan's: with the default gate
  rows.push(['thresholds', p.thresholds === null ? 'evaluated by `rtbench merge` on the merged shards' : th.length ? th.join(', ') : 'none']);
  rows.push(...(extra.rows ?? []));
  const w = Math.max(...rows.map(([k]) => k.length));
  return [extra.title ?? 'dry run: planned, nothing connected or started', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`), ''].join('\n');
}

/** The engine, or the engine of each topology when `engines` gives them different ones (`socket.io-lean on single, cluster:2; socketcluster on socketcluster:2`). */
function describeEngines(r: ResolvedScenario, topologies: string[]): string {
  const one = (e: EngineName): string => `${e}${e === 'socket.io' ? `, transports ${r.transports.join(', ')}` : ''}`;
  const byEngine = new Map<EngineName, string[]>();
  for (const topology of topologies) {
    const e = forTopology(r, topology).engine;
    byEngine.set(e, [...(byEngine.get(e) ?? []), topology]);
  }
  if (byEngine.size <= 1) return one([...byEngine.keys()][0] ?? r.engine);
  return [...byEngine].map(([e, ts]) => `${one(e)} on ${ts.join(', ')}`).join('; ');
}

function describeConnect(c: PlanInfo['connect'], show?: ShownQuery): string {
  if (c === undefined) return 'no defaults (client.connect(options) may add some)';
  if (typeof c === 'function') return "per client: a function of ctx (called at each session's first connect)";
  const parts: string[] = [];
  if (c.namespace) parts.push(`namespace ${c.namespace}`);
  if (c.auth) parts.push(`auth { ${Object.keys(c.auth).join(', ')} }`);
  if (c.query)
    parts.push(
      `query ${Object.entries(redactQueryObject(c.query, show))
        .map(([k, v]) => `${k}=${v}`)
        .join('&')}`,
    );
  if (c.headers) parts.push(`headers ${Object.keys(c.headers).join(', ')}`);
  if (c.parser) parts.push(`parser ${c.parser === 'msgpack' ? 'msgpack (socket.io-msgpack-parser)' : 'a module of the scenario'}`);
  if (c.path) parts.push(`path ${c.path}`);
  return parts.length ? parts.join('; ') : 'none';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
