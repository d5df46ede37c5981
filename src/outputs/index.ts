import { isLoopbackAddress } from '../generator/source-ips.ts';
import type { Reporter } from '../reporters/types.ts';
import { InputError } from '../shared/errors.ts';
import { requireOptional } from '../shared/optional.ts';
import { resolveHost } from '../util/resolve.ts';
import { jsonLinesSink } from './json-lines.ts';
import { prometheusSink } from './prometheus.ts';
import { liveOutput } from './sample.ts';

/** A parsed `--output kind=where`. */
export type OutputSpec = { kind: 'json'; file: string } | { kind: 'prometheus'; url: string };

const KINDS = 'json=FILE or prometheus=URL';

/** Parse and check every `--output` at once (every problem listed). URLs must be on loopback. */
export async function parseOutputs(specs: readonly string[]): Promise<OutputSpec[]> {
  const out: OutputSpec[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const kind = eq > 0 ? spec.slice(0, eq) : spec;
    const where = eq > 0 ? spec.slice(eq + 1) : '';
    if (kind === 'json' && where) out.push({ kind: 'json', file: where });
    else if (kind === 'prometheus' && where) {
      requireOptional('protobufjs');
      requireOptional('snappyjs');
      const problem = await checkUrl(where);
      if (problem) problems.push(`\`--output ${spec}\`: ${problem}`);
      else out.push({ kind: 'prometheus', url: where });
    } else problems.push(`\`--output ${spec}\` is not ${KINDS}`);
  }
  if (problems.length) {
    throw new InputError('E_OUTPUT', 'invalid `--output`', {
      details: problems,
      hint: 'e.g. --output json=reports/live.jsonl --output prometheus=http://127.0.0.1:9090/api/v1/write (a remote Prometheus: run a local Prometheus agent that forwards to it)',
    });
  }
  return out;
}

async function checkUrl(raw: string): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return `${raw} is not a URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${raw} must be http:// or https://`;
  const { host, address } = await resolveHost(u);
  if (address === null) return `host ${host} does not resolve`;
  return isLoopbackAddress(address) ? null : `${host} (${address}) is not a loopback address: rtbench sends nothing off this machine`;
}

/** The one reporter that streams every output (none without outputs). */
export function createOutputs(specs: readonly OutputSpec[], o: { scenario: string; runId: string; warn: (line: string) => void; info: (line: string) => void }): Reporter[] {
  if (!specs.length) return [];
  const labels = { scenario: o.scenario, run_id: o.runId };
  return [liveOutput(specs.map((s) => (s.kind === 'json' ? jsonLinesSink({ file: s.file, labels, info: o.info }) : prometheusSink({ url: s.url, labels, warn: o.warn, info: o.info }))))];
}
