/**
 * `rtbench k8s`: Kubernetes manifests for a sharded run, built as objects typed by
 * @kubernetes/client-node's models (V1ConfigMap, V1Job; types only, erased at run time) and printed
 * with the `yaml` package (the tests read them back through the client's model deserializer).
 *
 * - a ConfigMap holds the scenario file;
 * - an Indexed Job runs N pods (`completionMode: Indexed`, `completions: N`, `parallelism: N`);
 *   pod k runs `rtbench run … --shard $(JOB_COMPLETION_INDEX)/N --start-at T` with one shared
 *   start time T and `--print-result-line`, so its result is the last line of its log;
 * - `rtbench collect` then reads those lines from `kubectl logs` and merges them.
 */
import { InputError } from '../shared/errors.ts';
import { isLoopbackAddress } from '../shared/net.ts';
import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/** Where the scenario ConfigMap is mounted: inside the app folder, so `import … from 'rtbench'` resolves. */
export const SCENARIO_MOUNT = '/app/.k8s-scenario';

export interface K8sManifestOptions {
  /** Scenario file name (its extension is kept) and text. */
  scenarioFile: string;
  scenarioText: string;
  /** The scenario's name (names the objects). */
  scenarioName: string;
  /** Total load time of the scenario (after any --duration), ms. */
  totalMs: number;
  /** Graceful stop window after the last phase, ms. */
  gracefulStopMs: number;
  shards: number;
  /** In-cluster URL of the server under test. */
  target: string;
  image: string;
  /** Generator processes per shard (also the pod's CPU request). */
  generators: number;
  /** When every shard starts its load. */
  startAt: Date;
  /** `--duration` passed on to the shards, if any. */
  duration?: string;
  namespace?: string;
  /** Job name; default `rtbench-<scenario>-<HHMMSS>`. */
  name?: string;
  /** Pod memory request/limit. */
  memory?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function slug(s: string, max: number): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, max)
      .replace(/-+$/, '') || 'scenario'
  );
}

/** Check the options; every problem at once, naming the flag. */
export function checkK8sOptions(o: Pick<K8sManifestOptions, 'shards' | 'target' | 'image' | 'generators' | 'name' | 'namespace'>): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.shards) || o.shards < 1 || o.shards > 1000)
    problems.push(`\`--shards\` must be a whole number from 1 to 1000 (got ${String(o.shards)})`);
  if (!Number.isInteger(o.generators) || o.generators < 1 || o.generators > 64)
    problems.push(`\`--generators\` must be a whole number from 1 to 64 (got ${String(o.generators)})`);
  if (!o.image || /\s/.test(o.image))
    problems.push(`\`--image\` must name a container image with rtbench, e.g. registry.example/rtbench:0.1.0 (got ${JSON.stringify(o.image)})`);
  let url: URL | null = null;
  try {
    url = new URL(o.target);
  } catch {
    problems.push(`\`--target\` is not a URL: ${JSON.stringify(o.target)}`);
  }
  if (url) {
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) problems.push(`\`--target\` must be http(s):// or ws(s):// (got ${url.protocol})`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || isLoopbackAddress(host)) {
      problems.push(
        `\`--target\` ${o.target} is a loopback address: inside a pod that is the pod itself. Give the in-cluster URL of the server, e.g. http://chat.default.svc.cluster.local:3000`,
      );
    }
  }
  if (o.name !== undefined && (!DNS_LABEL.test(o.name) || o.name.length > 52))
    problems.push(`\`--name\` must be a DNS label of at most 52 characters: lowercase letters, digits and '-' (got ${JSON.stringify(o.name)})`);
  if (o.namespace !== undefined && (!DNS_LABEL.test(o.namespace) || o.namespace.length > 63))
    problems.push(`\`--namespace\` must be a DNS label (got ${JSON.stringify(o.namespace)})`);
  if (problems.length) throw new InputError('E_K8S', 'invalid k8s options', { details: problems, hint: 'see `rtbench k8s --help` and docs/kubernetes.md' });
}

/** The ConfigMap with the scenario and the Indexed Job of the shards. */
export function buildManifests(o: K8sManifestOptions): { configMap: V1ConfigMap; job: V1Job } {
  checkK8sOptions(o);
  const hhmmss = o.startAt.toISOString().slice(11, 19).replace(/:/g, '');
  const name = o.name ?? `rtbench-${slug(o.scenarioName, 52 - 'rtbench--000000'.length)}-${hhmmss}`;
  const ext = /\.(m?[jt]s)$/.exec(o.scenarioFile)?.[1] ?? 'ts';
  const key = `scenario.${ext}`;
  const labels = { 'app.kubernetes.io/name': 'rtbench', 'app.kubernetes.io/component': 'load-generator', 'rtbench/run': name };
  const meta = (n: string) => ({ name: n, labels, ...(o.namespace ? { namespace: o.namespace } : {}) });
  const configMap: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(`${name}-scenario`),
    data: { [key]: o.scenarioText },
  };
  const startLeadS = Math.max(0, Math.ceil((o.startAt.getTime() - Date.now()) / 1000));
  // bounded: the pods are stopped after their start lead + the load + its graceful stop + 3 min
  const deadline = startLeadS + Math.ceil((o.totalMs + o.gracefulStopMs) / 1000) + 180;
  const args = [
    'run',
    `${SCENARIO_MOUNT}/${key}`,
    '--target',
    o.target,
    '--shard',
    `$(JOB_COMPLETION_INDEX)/${o.shards}`,
    '--start-at',
    o.startAt.toISOString(),
    '--print-result-line',
    '--generators',
    String(o.generators),
    '--out',
    '/tmp/rtbench',
    ...(o.duration ? ['--duration', o.duration] : []),
  ];
  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(name),
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      // a retried shard would start after --start-at and be refused: no retries, the merge needs every shard
      backoffLimit: 0,
      activeDeadlineSeconds: deadline,
      ttlSecondsAfterFinished: 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          // one shard per node where possible: shards on one node share its CPU and network
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'rtbench/run': name } } } },
              ],
            },
          },
          containers: [
            {
              name: 'rtbench',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              args,
              env: [
                // set by the Job controller too; declared here so that $(JOB_COMPLETION_INDEX) in args expands
                { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
              ],
              resources: {
                requests: { cpu: String(o.generators), memory: o.memory ?? '1Gi' },
                limits: { memory: o.memory ?? '1Gi' },
              },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'scenario', mountPath: SCENARIO_MOUNT, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'scenario', configMap: { name: `${name}-scenario` } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  return { configMap, job };
}

/** YAML documents (`---` between them), or a JSON `List`. */
export async function renderManifests(objs: { configMap: V1ConfigMap; job: V1Job }, format: 'yaml' | 'json'): Promise<string> {
  const items = [objs.configMap, objs.job];
  if (format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`;
  // lineWidth 0: no folding, so the scenario stays a literal block that reads like the file;
  // YAML 1.1 rules (as Kubernetes reads it): strings like timestamps, `yes` or `on` get quoted
  return items.map((o) => stringify(o, { lineWidth: 0, version: '1.1' })).join('---\n');
}
