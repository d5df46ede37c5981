import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/run/run.ts';
import { fileURLToPath } from 'node:url';
import { isRtbenchError } from '../../src/shared/errors.ts';
import { jsonProblem, lifecycleOf } from '../../src/scenario/setup.ts';
import { kindOfClient, mixTable } from '../../src/scenario/mix.ts';

const here = fileURLToPath(import.meta.url);
const site = { target: 'http://127.0.0.1:1', topology: 'single' };

/** The error `p` rejects with. */
async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; exitCode?: number; details?: readonly string[] }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected a rejection');
}

test("setup(): its value comes back as a JSON copy, with the run's target and topology in ctx", async () => {
  const seen: unknown[] = [];
  const value = { users: [{ name: 'ann', token: 't1' }], n: 2 };
  const lc = lifecycleOf({ setup: (ctx) => (seen.push(ctx.target, ctx.topology, ctx.signal.aborted), value) }, here, 1000);
  const data = await lc.setup(site);
  assert.deepEqual(data, value);
  assert.notEqual(data, value, 'a copy, as the generators get');
  assert.deepEqual(seen, ['http://127.0.0.1:1', 'single', false]);
  assert.equal(await lifecycleOf({}, here, 1000).setup(site), undefined);
  assert.equal(await lifecycleOf({ setup: async () => undefined }, here, 1000).setup(site), undefined);
});

test('a setup() that throws: E_SETUP, exit 1, naming the scenario file and the line', async () => {
  const e = await rejection(
    lifecycleOf(
      {
        async setup() {
          throw new Error('login refused');
        },
      },
      here,
      1000,
    ).setup(site),
  );
  assert.ok(isRtbenchError(e));
  assert.deepEqual([e.code, e.exitCode], ['E_SETUP', 1]);
  assert.match(e.message, /setup\(\) in .*setup-mix\.test\.ts failed: no load was started/);
  assert.match(e.details![0]!, /Error: login refused \(.*setup-mix\.test\.ts:\d+:\d+\)/);
  const thrown = await rejection(
    lifecycleOf(
      {
        setup: () => {
          throw 'a string';
        },
      },
      here,
      1000,
    ).setup(site),
  );
  assert.match(thrown.details![0]!, /thrown: a string/);
});

test('a setup() that returns what is not plain JSON: E_SETUP_DATA naming the path', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ socket: { send() {} } }, /data\.socket\.send is a function/],
    [{ when: new Date(0) }, /data\.when is a Date, not a plain object \(use date\.toISOString\(\)\)/],
    [{ users: new Map() }, /data\.users is a Map/],
    [{ list: [1, Number.NaN] }, /data\.list\[1\] is NaN/],
    [{ big: 10n }, /data\.big is a bigint/],
    [{ 'a-b': [undefined] }, /data\["a-b"\]\[0\] is undefined/],
  ];
  for (const [value, re] of cases) {
    const e = await rejection(lifecycleOf({ setup: () => value }, here, 1000).setup(site));
    assert.equal((e as { code?: string }).code, 'E_SETUP_DATA');
    assert.match(e.message, re);
    assert.match(e.message, /returned a value that is not plain JSON/);
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  assert.match(jsonProblem(cyclic, 'data')!, /data\.self refers back to itself/);
  const shared = { x: 1 };
  assert.equal(jsonProblem({ a: shared, b: shared, n: null, s: 's', t: true, o: Object.create(null) }, 'data'), null, 'a shared (not cyclic) object is fine');
});

test('setup() bounded: a timeout is E_SETUP (exit 1) and aborts ctx.signal; an interrupt is exit 130', async () => {
  let signal: AbortSignal | null = null;
  const slow = lifecycleOf({ setup: (ctx) => ((signal = ctx.signal), new Promise(() => {})) }, here, 50);
  const e = await rejection(slow.setup(site));
  assert.match(e.message, /did not finish within 50 ms/);
  assert.equal((e as { exitCode?: number }).exitCode, 1);
  assert.equal(signal!.aborted, true);
  const ac = new AbortController();
  const pending = lifecycleOf({ setup: () => new Promise(() => {}) }, here, 60_000).setup(site, ac.signal);
  setTimeout(() => ac.abort(), 20);
  const i = await rejection(pending);
  assert.equal((i as { exitCode?: number }).exitCode, 130);
  ac.abort();
  const already = await rejection(lifecycleOf({ setup: () => 1 }, here, 1000).setup(site, ac.signal));
  assert.match(already.message, /interrupted/);
});

test('teardown(): gets the data; a failure is reported (file and line), not thrown', async () => {
  const got: unknown[] = [];
  assert.equal(await lifecycleOf({ teardown: (d, ctx) => void got.push(d, ctx.topology) }, here, 1000).teardown({ a: 1 }, site), null);
  assert.deepEqual(got, [{ a: 1 }, 'single']);
  const msg = await lifecycleOf(
    {
      teardown() {
        throw new TypeError('room gone');
      },
    },
    here,
    1000,
  ).teardown(null, site);
  assert.match(msg!, /teardown\(\) in .*setup-mix\.test\.ts failed: TypeError: room gone \(.*setup-mix\.test\.ts:\d+/);
  assert.match((await lifecycleOf({ teardown: () => new Promise(() => {}) }, here, 30).teardown(null, site))!, /did not finish within 30 ms/);
  assert.equal(await lifecycleOf({}, here, 10).teardown(null, site), null);
});

test("mix: each period holds every kind exactly weight times, interleaved; a client's kind depends on its id only", () => {
  const t = mixTable([9, 1]);
  assert.equal(t.length, 10);
  assert.equal(t.filter((k) => k === 1).length, 1);
  assert.deepEqual([...mixTable([3, 1])], [0, 0, 1, 0]);
  assert.deepEqual([...mixTable([1, 1])], [0, 1]);
  const big = mixTable([50, 30, 20]);
  const counts = [0, 0, 0];
  for (let id = 0; id < 1000; id++) counts[kindOfClient(big, id)]!++;
  assert.deepEqual(counts, [500, 300, 200]);
  // interleaved: in any 10 consecutive clients of a 50/30/20 mix, each kind appears
  for (let s = 0; s < 100; s += 10) assert.equal(new Set(Array.from({ length: 10 }, (_, k) => kindOfClient(big, s + k))).size, 3);
  assert.equal(kindOfClient(big, 12345), kindOfClient(mixTable([50, 30, 20]), 12345));
});

test('--dry-run names the mix and setup/teardown, and runs neither', async () => {
  const trace = join(mkdtempSync(join(tmpdir(), 'rtbench-dry-')), 'teardown.json');
  process.env.RTBENCH_TEST_TEARDOWN_FILE = trace;
  const chunks: string[] = [];
  const out = { write: (t: string) => void chunks.push(t), isTTY: false };
  try {
    const o = await run('test/fixtures/mix-setup.ts', { dryRun: true, generators: 1, stdout: out, stderr: { write: () => {}, isTTY: false } });
    assert.equal(o.exitCode, 0);
  } finally {
    delete process.env.RTBENCH_TEST_TEARDOWN_FILE;
  }
  assert.match(
    chunks.join(''),
    /sessions +a mix by client id: listener 3 : sender 1\n +setup +setup\(\) and teardown\(\) in the coordinator around each load \(not in a dry run; timeout 60s\)/,
  );
  assert.ok(!existsSync(trace), 'teardown did not run');
});
