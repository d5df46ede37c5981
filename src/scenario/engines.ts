/**
 * The engine per topology: a scenario's `engine` and `engines` (topology name → engine), their
 * checks, and the pairings the bundled reference server cannot serve (a Socket.IO engine against
 * `socketcluster:N`, the socketcluster engine against a Socket.IO topology).
 */
import { ENGINE_NAMES, type EngineName } from '../clients/engine-name.ts';
import { suggestion } from '../shared/suggest.ts';
import { isTopologyName, TOPOLOGY_NAMES, topologyProtocol } from '../shared/topology-names.ts';
import { show } from '../util/show.ts';

/** Where each engine connects unless the scenario sets `path`. */
export const DEFAULT_PATHS: Readonly<Record<EngineName, string>> = {
  'socket.io': '/socket.io',
  'socket.io-lean': '/socket.io',
  ws: '/ws',
  socketcluster: '/socketcluster/',
  sse: '/',
};

const engineList = ENGINE_NAMES.map((e) => `'${e}'`).join(', ');

/** Check `engines`: an object whose keys are topology names (the part before `:`) and whose values are engines; every problem at once. */
export function checkEngines(v: unknown, problems: string[]): Partial<Record<string, EngineName>> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push(`\`engines\` must map topology names to engines, e.g. { socketcluster: 'socketcluster' } (got ${show(v)})`);
    return {};
  }
  for (const [k, e] of Object.entries(v)) {
    if (!isTopologyName(k)) {
      const name = k.split(':')[0]!;
      const fix =
        k.includes(':') && isTopologyName(name)
          ? ` (did you mean \`${name}\`? a key is the topology's name, the part before ':', and covers every \`${name}:…\`)`
          : suggestion(k, TOPOLOGY_NAMES);
      problems.push(`\`engines.${k}\` names no topology${fix} (known: ${TOPOLOGY_NAMES.join(', ')})`);
    }
    if (!ENGINE_NAMES.includes(e as EngineName))
      problems.push(`\`engines.${k}\` must be one of ${engineList} (got ${show(e)})${typeof e === 'string' ? suggestion(e, ENGINE_NAMES) : ''}`);
  }
  return v as Partial<Record<string, EngineName>>;
}

/** What `forTopology` reads and writes of a scenario. */
interface EngineChoice {
  engine: EngineName;
  engines: Partial<Record<string, EngineName>>;
  path: string;
}

/**
 * The scenario as one topology runs it: its engine from `engines` (by the topology's name), and
 * the default path of that engine unless the scenario set its own.
 */
export function forTopology<S extends EngineChoice>(s: S, topology: string): S {
  const engine = s.engines[topology.split(':')[0]!] ?? s.engine;
  if (engine === s.engine) return s;
  return { ...s, engine, path: s.path === DEFAULT_PATHS[s.engine] ? DEFAULT_PATHS[engine] : s.path };
}

/**
 * The bundled topologies of `topologies` that the engine chosen for them cannot talk to (every
 * handshake would be refused), one line each, and the `engines` that would fix them all; null
 * when every pairing fits. Only for the bundled reference server, whose protocol rtbench knows.
 */
export function engineMismatches(s: EngineChoice, topologies: string[]): { problems: string[]; fix: string } | null {
  const problems: string[] = [];
  const fixed: Record<string, EngineName> = { ...(s.engines as Record<string, EngineName>) };
  for (const t of topologies) {
    const name = t.split(':')[0]!;
    if (!isTopologyName(name)) continue; // an unknown topology is refused with its own error
    const engine = forTopology(s, t).engine;
    const from = s.engines[name] ? `\`engines.${name}\`` : '`engine`';
    if (topologyProtocol(name) === 'socketcluster' && engine !== 'socketcluster') {
      problems.push(
        `topology \`${t}\` speaks SocketCluster's protocol, and engine '${engine}' (from ${from}) does not: every handshake would be refused (HTTP 400)`,
      );
      fixed[name] = 'socketcluster';
    } else if (topologyProtocol(name) === 'socket.io' && engine === 'socketcluster') {
      problems.push(
        `topology \`${t}\` serves Socket.IO (and raw ws on /ws), and engine 'socketcluster' (from ${from}) speaks SocketCluster's protocol: every handshake would be refused`,
      );
      fixed[name] = s.engine === 'socketcluster' ? 'socket.io' : s.engine;
    }
  }
  if (problems.length === 0) return null;
  const entries = Object.entries(fixed).map(([k, e]) => `${/^[a-z]+$/.test(k) ? k : `'${k}'`}: '${e}'`);
  return { problems, fix: `engines: { ${entries.join(', ')} }` };
}
