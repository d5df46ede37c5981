import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../shared/errors.ts';
import { buildManifests, renderManifests } from '../k8s/manifests.ts';
import type { Output } from '../run/reporter.ts';
import { missingUnit, parseDuration } from '../shared/duration.ts';
import { planScenario } from '../plan/plan.ts';
import { MAX_START_AHEAD_MS } from '../shard/options.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';

export interface K8sArgs {
  scenario: string;
  shards: number;
  target: string;
  image: string;
  out?: string;
  generators: number;
  startIn: string;
  duration?: string;
  namespace?: string;
  name?: string;
  memory?: string;
  format: 'yaml' | 'json';
}

/**
 * `rtbench k8s <scenario> --shards N --target URL --image IMAGE [--out DIR]`: write (or print)
 * the ConfigMap + Indexed Job of a sharded run. Nothing is applied and no load is sent from here.
 */
export async function k8sCommand(a: K8sArgs, out: Output, err: Output): Promise<number> {
  const lead = parseDuration(a.startIn);
  if (lead === null || lead < 10_000 || lead > MAX_START_AHEAD_MS) {
    throw new InputError('E_START_AT', `\`--start-in\` must be a duration from 10s to 60m (got ${JSON.stringify(a.startIn)})${missingUnit(a.startIn)}`, {
      hint: 'leave the pods time to be scheduled and pull the image, e.g. --start-in 2m; the shards refuse a start time in the past',
    });
  }
  // the scenario and `--duration` by the plan's rules (src/plan/), as `rtbench run` and each shard resolve them
  const { scenario: resolved } = await planScenario(a.scenario, { duration: a.duration }, 'k8s');
  const scenarioText = await readFile(a.scenario, 'utf8');
  const startAt = new Date(Math.ceil((Date.now() + lead) / 1000) * 1000);
  const objs = buildManifests({
    scenarioFile: basename(a.scenario),
    scenarioText,
    scenarioName: resolved.name,
    totalMs: resolved.totalMs,
    gracefulStopMs: resolved.gracefulStopMs,
    shards: a.shards,
    target: a.target,
    image: a.image,
    generators: a.generators,
    startAt,
    ...(a.duration ? { duration: a.duration } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.memory ? { memory: a.memory } : {}),
  });
  const text = await renderManifests(objs, a.format);
  const job = objs.job.metadata!.name!;
  const ns = a.namespace ? ` -n ${a.namespace}` : '';
  const steps = [
    `rtbench k8s: ${a.shards} shard${a.shards > 1 ? 's' : ''} of "${resolved.name}" start their load at ${startAt.toISOString()} (apply before then):`,
    `  kubectl apply${ns} -f ${a.out ? join(a.out, `${job}.${a.format}`) : `${job}.${a.format}   (this output, saved: rtbench k8s … > ${job}.${a.format})`}`,
    `  kubectl wait${ns} --for=condition=complete --timeout=${objs.job.spec!.activeDeadlineSeconds}s job/${job}`,
    `  kubectl logs${ns} -l job-name=${job} --prefix --tail=-1 --max-log-requests ${Math.max(5, a.shards)} > ${job}.log`,
    `  npx rtbench collect ${job}.log --out reports/${job}`,
  ];
  if (a.out) {
    const path = join(a.out, `${job}.${a.format}`);
    await writeFileAtomic(path, text);
    out.write(`manifests: ${path}\n${steps.join('\n')}\n`);
  } else {
    out.write(text);
    err.write(`${steps.join('\n')}\n`);
  }
  return 0;
}
