import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dumpYaml, loadAllYaml, loadYaml, V1ConfigMap, V1Job } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { cli, type CliIO } from '../../src/cli/main.ts';
import { buildManifests, renderManifests, SCENARIO_MOUNT, type K8sManifestOptions } from '../../src/k8s/manifests.ts';
import { checkShardOptions } from '../../src/shard/options.ts';

const base = (over: Partial<K8sManifestOptions> = {}): K8sManifestOptions => ({
  scenarioFile: 'chat.ts',
  scenarioText:
    "import { defineScenario } from 'rtbench';\nexport default defineScenario({ name: 'chat', phases: [{ duration: '30s', arrivalRate: 100 }], async session() {} });\n",
  scenarioName: 'My Chat!',
  totalMs: 30_000,
  gracefulStopMs: 10_000,
  shards: 4,
  target: 'http://chat.default.svc.cluster.local:3000',
  image: 'registry.example/rtbench:0.1.0',
  generators: 2,
  startAt: new Date(Date.now() + 120_000),
  ...over,
});

function io(): CliIO & { out: () => string; err: () => string } {
  const o: string[] = [];
  const e: string[] = [];
  return {
    stdout: { write: (t) => void o.push(t), isTTY: false },
    stderr: { write: (t) => void e.push(t), isTTY: false },
    onSignal: () => () => {},
    out: () => o.join(''),
    err: () => e.join(''),
  };
}

test('k8s: a ConfigMap and an Indexed Job, parsed back into the typed models', async () => {
  const o = base();
  const text = await renderManifests(buildManifests(o), 'yaml');
  const objs = loadAllYaml(text);
  assert.equal(objs.length, 2);
  const [cm, job] = objs as [V1ConfigMap, V1Job];
  assert.ok(cm instanceof V1ConfigMap, 'deserialized as V1ConfigMap');
  assert.ok(job instanceof V1Job, 'deserialized as V1Job');
  assert.deepEqual([cm.kind, job.kind], ['ConfigMap', 'Job']);
  assert.equal(cm.data!['scenario.ts'], o.scenarioText, 'the scenario file, byte for byte');
  const spec = job.spec!;
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(spec.completions, 4);
  assert.equal(spec.parallelism, 4);
  assert.equal(spec.backoffLimit, 0);
  assert.ok(spec.activeDeadlineSeconds! >= 120 + 40 && spec.activeDeadlineSeconds! <= 120 + 40 + 200, `bounded: ${spec.activeDeadlineSeconds}`);
  const pod = spec.template.spec!;
  assert.equal(pod.restartPolicy, 'Never');
  const c = pod.containers[0]!;
  assert.equal(c.image, o.image);
  const args = c.args!;
  const flag = (name: string): string | undefined => args[args.indexOf(name) + 1];
  assert.equal(args[0], 'run');
  assert.equal(args[1], `${SCENARIO_MOUNT}/scenario.ts`);
  assert.equal(flag('--shard'), '$(JOB_COMPLETION_INDEX)/4');
  assert.equal(flag('--target'), o.target);
  assert.equal(flag('--start-at'), o.startAt.toISOString());
  assert.equal(flag('--generators'), '2');
  assert.ok(!args.includes('--allow-remote-target'), 'any --target is accepted: the flag is gone');
  assert.ok(args.includes('--print-result-line'));
  const env = c.env!.find((e) => e.name === 'JOB_COMPLETION_INDEX')!;
  assert.equal(env.valueFrom!.fieldRef!.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  assert.equal(c.resources!.requests!.cpu, '2');
  // the scenario volume is the ConfigMap, mounted where the args read it
  const mount = c.volumeMounts!.find((m) => m.name === 'scenario')!;
  assert.equal(mount.mountPath, SCENARIO_MOUNT);
  assert.equal(pod.volumes!.find((v) => v.name === 'scenario')!.configMap!.name, cm.metadata!.name);
  assert.match(job.metadata!.name!, /^rtbench-my-chat-\d{6}$/);
  // nothing the typed model does not know: a round trip through it changes nothing
  // (the typed model drops fields it does not know; the text is printed by the `yaml` package)
  for (const doc of text.split(/^---\n/m))
    assert.deepEqual(parseYaml(dumpYaml(loadYaml(doc), { lineWidth: -1 }), { version: '1.1' }), parseYaml(doc, { version: '1.1' }));
  // the args a pod runs pass the shard checks (there: inside Kubernetes, index substituted)
  const plan = checkShardOptions({ shard: flag('--shard')!.replace('$(JOB_COMPLETION_INDEX)', '3'), startAt: flag('--start-at'), target: flag('--target') });
  assert.deepEqual(plan.shard, { index: 3, count: 4 });
});

test('k8s: JSON List output; namespace and duration are passed on', async () => {
  const text = await renderManifests(buildManifests(base({ namespace: 'load', duration: '1m', name: 'rt-1' })), 'json');
  const list = JSON.parse(text) as {
    kind: string;
    items: Array<{ kind: string; metadata: { namespace: string; name: string }; spec?: { template: { spec: { containers: Array<{ args: string[] }> } } } }>;
  };
  assert.equal(list.kind, 'List');
  assert.deepEqual(
    list.items.map((i) => i.kind),
    ['ConfigMap', 'Job'],
  );
  assert.deepEqual(
    list.items.map((i) => i.metadata.namespace),
    ['load', 'load'],
  );
  assert.deepEqual(
    list.items.map((i) => i.metadata.name),
    ['rt-1-scenario', 'rt-1'],
  );
  const args = list.items[1]!.spec!.template.spec.containers[0]!.args;
  assert.equal(args[args.indexOf('--duration') + 1], '1m');
  assert.ok(loadYaml(JSON.stringify(list.items[1])) instanceof V1Job);
});

test('k8s: bad options are refused, naming the flag (a loopback target would point each pod at itself)', () => {
  const refused = (over: Partial<K8sManifestOptions>, re: RegExp): void =>
    assert.throws(
      () => buildManifests(base(over)),
      (e: Error & { code?: string; details?: string[] }) => e.code === 'E_K8S' && re.test((e.details ?? []).join('\n')),
    );
  refused({ target: 'http://127.0.0.1:3000' }, /`--target` .* loopback/);
  refused({ target: 'http://localhost:3000' }, /`--target` .* loopback/);
  refused({ target: 'not a url' }, /`--target` is not a URL/);
  refused({ shards: 0 }, /`--shards`/);
  refused({ image: '' }, /`--image`/);
  refused({ name: 'Bad_Name' }, /`--name`/);
});

test('rtbench k8s CLI: validates the scenario, writes DIR/<job>.yaml and says what to run next', async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-k8s-'));
  const a = io();
  const code = await cli(
    [
      'k8s',
      'test/fixtures/tiny-echo.ts',
      '--shards',
      '3',
      '--target',
      'http://echo.test.svc:3000',
      '--image',
      'rtbench:dev',
      '--out',
      out,
      '--start-in',
      '90s',
    ],
    a,
  );
  assert.equal(code, 0, a.err());
  const path = /manifests: (\S+)/.exec(a.out())![1]!;
  const [cm, job] = loadAllYaml(readFileSync(path, 'utf8')) as [V1ConfigMap, V1Job];
  assert.equal(cm.data!['scenario.ts'], readFileSync('test/fixtures/tiny-echo.ts', 'utf8'));
  assert.equal(job.spec!.parallelism, 3);
  const startAt = Date.parse(job.spec!.template.spec!.containers[0]!.args![job.spec!.template.spec!.containers[0]!.args!.indexOf('--start-at') + 1]!);
  assert.ok(Math.abs(startAt - (Date.now() + 90_000)) < 5000, 'start-at ~90 s ahead');
  assert.match(a.out(), /kubectl logs -l job-name=\S+ --prefix/);
  assert.match(a.out(), /rtbench collect/);
  const bad = io();
  assert.equal(await cli(['k8s', 'test/fixtures/two-invalid-fields.ts', '--shards', '2', '--target', 'http://x.svc:1', '--image', 'i'], bad), 2);
  assert.match(bad.err(), /E_SCENARIO_INVALID/);
  const lead = io();
  assert.equal(await cli(['k8s', 'test/fixtures/tiny-echo.ts', '--shards', '2', '--target', 'http://x.svc:1', '--image', 'i', '--start-in', '2h'], lead), 2);
  assert.match(lead.err(), /`--start-in`.*\[E_START_AT\]/);
});

test("k8s: the scenario and --duration go through the run plan's rules (phases scaled; a bad value refused as `run` refuses it)", async () => {
  const { k8sCommand } = await import('../../src/cli/k8s-command.ts');
  const sink = (): { write: (t: string) => void; isTTY: boolean; text: () => string } => {
    let s = '';
    return { write: (t) => void (s += t), isTTY: false, text: () => s };
  };
  const args = {
    scenario: 'test/fixtures/tiny-echo.ts',
    shards: 2,
    target: 'http://10.0.0.5:3000',
    image: 'rtbench:1',
    generators: 1,
    startIn: '2m',
    format: 'json' as const,
  };
  const out = sink();
  assert.equal(await k8sCommand({ ...args, duration: '1m' }, out, sink()), 0);
  const job = (JSON.parse(out.text()) as { items: Array<{ kind: string; spec?: { activeDeadlineSeconds?: number } }> }).items.find((i) => i.kind === 'Job')!;
  const plain = sink();
  await k8sCommand(args, plain, sink());
  const plainJob = (JSON.parse(plain.text()) as { items: Array<{ kind: string; spec?: { activeDeadlineSeconds?: number } }> }).items.find(
    (i) => i.kind === 'Job',
  )!;
  assert.equal(job.spec!.activeDeadlineSeconds! - plainJob.spec!.activeDeadlineSeconds!, 60 - 2, 'the 2 s scenario scaled to 1 m');
  await assert.rejects(k8sCommand({ ...args, duration: '30' }, sink(), sink()), (e: Error & { details?: string[]; hint?: string }) => {
    assert.match((e.details ?? []).join(' '), /`--duration` must be a positive duration like 30s or 2m \(got 30\)/);
    assert.match(e.hint ?? '', /rtbench k8s --help/);
    return true;
  });
});
