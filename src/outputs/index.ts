import type { Reporter } from '../run/reporter.ts';
import { InputError } from '../shared/errors.ts';
import { requireOptional } from '../shared/optional.ts';
import { jsonLinesSink } from './json-lines.ts';
import { prometheusSink } from './prometheus.ts';
import { liveOutput } from './sample.ts';
import { parsePrometheusTarget, type PrometheusTarget } from './target.ts';

/** A parsed `--output kind=where`. */
export type OutputSpec = { kind: 'json'; file: string } | ({ kind: 'prometheus' } & PrometheusTarget);

const KINDS = 'json=FILE or prometheus=URL[,header=Name:Value]';

/**
 * Parse and check every `--output` at once (every problem listed). Pure: any http(s) URL is taken
 * as given (nothing is resolved or connected to here); `env` supplies the Prometheus headers and
 * credentials (src/outputs/target.ts).
 */
export function parseOutputSpecs(specs: readonly string[], env: Readonly<Record<string, string | undefined>>): { outputs: OutputSpec[]; problems: string[] } {
  const out: OutputSpec[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const kind = eq > 0 ? spec.slice(0, eq) : spec;
    const where = eq > 0 ? spec.slice(eq + 1) : '';
    if (kind === 'json' && where) out.push({ kind: 'json', file: where });
    else if (kind === 'prometheus' && where) {
      const t = parsePrometheusTarget(where, env);
      if ('problems' in t) problems.push(...t.problems.map((p) => `\`--output prometheus=…\`: ${p}`));
      else out.push({ kind: 'prometheus', ...t });
    } else problems.push(`\`--output ${kind}${where ? '=…' : ''}\` is not ${KINDS}`);
  }
  return { outputs: out, problems };
}

/** `parseOutputSpecs`, throwing every problem at once (`E_OUTPUT`); checks the Prometheus output's packages are installed. */
export function parseOutputs(specs: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): OutputSpec[] {
  const { outputs: out, problems } = parseOutputSpecs(specs, env);
  if (out.some((o) => o.kind === 'prometheus')) {
    requireOptional('protobufjs');
    requireOptional('snappyjs');
  }
  if (problems.length) {
    throw new InputError('E_OUTPUT', 'invalid `--output`', {
      details: problems,
      hint: 'e.g. --output json=reports/live.jsonl --output prometheus=https://prometheus.example.com/api/v1/write,header=X-Scope-OrgID:tenant1 (credentials: https://user:password@host/… or RTBENCH_PROMETHEUS_HEADERS="Authorization: Bearer TOKEN")',
    });
  }
  return out;
}

/** The one reporter that streams every output (none without outputs). */
export function createOutputs(
  specs: readonly OutputSpec[],
  o: { scenario: string; runId: string; warn: (line: string) => void; info: (line: string) => void },
): Reporter[] {
  if (!specs.length) return [];
  const labels = { scenario: o.scenario, run_id: o.runId };
  for (const s of specs) if (s.kind === 'prometheus') o.info(`prometheus output: remote write to ${s.display}${s.auth ? ` (${s.auth})` : ''}\n`);
  return [
    liveOutput(
      specs.map((s) =>
        s.kind === 'json'
          ? jsonLinesSink({ file: s.file, labels, info: o.info, warn: o.warn })
          : prometheusSink({ target: s, labels, warn: o.warn, info: o.info }),
      ),
    ),
  ];
}

/** The files of the `json=FILE` outputs (probed with the other output paths before the load). */
export function jsonFilesOf(specs: readonly OutputSpec[]): string[] {
  return specs.flatMap((s) => (s.kind === 'json' ? [s.file] : []));
}
