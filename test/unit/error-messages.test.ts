import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_MESSAGES_TRACKED, addError, addErrorTable, normaliseMessage, sortedErrors } from '../../src/metrics/errors.ts';
import { ERROR_MESSAGES_PER_KIND, type ErrorTable } from '../../src/result/types.ts';

/** A word of letters only (no digit, so normalising keeps it distinct): 0 → a, 27 → bb … */
const word = (i: number): string => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return s;
};

test('messages that differ only by numbers, ids, hex, UUIDs or addresses count as one, with a raw example', () => {
  assert.equal(normaliseMessage('session 17 timed out after 5003 ms'), 'session <n> timed out after <n> ms');
  assert.equal(normaliseMessage('connect ECONNREFUSED 127.0.0.1:43567'), 'connect ECONNREFUSED <ip>:<n>');
  assert.equal(normaliseMessage('Session ID unknown: Jd6M8bXk2Z0A3kAAAB'), 'Session ID unknown: <id>');
  assert.equal(normaliseMessage('user 9b2f6f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b at 0x7fa3 (3f2a9c1b7e)'), 'user <uuid> at <hex> (<hex>)');
  assert.equal(normaliseMessage('HTTP 503: busy for 2.5 s'), 'HTTP 503: busy for <n> s', 'an HTTP status is kept');
  assert.equal(normaliseMessage('xhr poll error'), 'xhr poll error');
  const t: ErrorTable = {};
  for (let i = 0; i < 40; i++) addError(t, 'ack_timeout', `ack ${i} timed out after ${5000 + i} ms (sid ${i}xQ${'k'.repeat(8)}${i})`);
  addError(t, 'ack_timeout', 'server gone');
  assert.deepEqual(t.ack_timeout, {
    count: 41,
    sample: 'ack 0 timed out after 5000 ms (sid 0xQkkkkkkkk0)',
    messages: [
      { message: 'ack <n> timed out after <n> ms (sid <id>)', count: 40, example: 'ack 0 timed out after 5000 ms (sid 0xQkkkkkkkk0)' },
      { message: 'server gone', count: 1 },
    ],
  });
});

test('the most frequent messages are kept, not the first ones: a frequent message after 6 rare ones leads', () => {
  const t: ErrorTable = {};
  for (let i = 0; i < 6; i++) addError(t, 'session_error', `rare ${word(i)}`);
  for (let i = 0; i < 100; i++) addError(t, 'session_error', 'frequent failure');
  for (let i = 0; i < 3; i++) addError(t, 'session_error', 'second most');
  const kept = sortedErrors(t).session_error!;
  assert.equal(kept.count, 109);
  assert.equal(kept.messages!.length, ERROR_MESSAGES_PER_KIND);
  assert.deepEqual(kept.messages!.slice(0, 2), [
    { message: 'frequent failure', count: 100 },
    { message: 'second most', count: 3 },
  ]);
  assert.equal(kept.count - kept.messages!.reduce((a, m) => a + m.count, 0), 3, 'the other messages are counted, not listed');
});

test('bounded: 20,000 distinct messages keep at most ERROR_MESSAGES_TRACKED per kind; a heavy one is found, never over-counted', () => {
  const t: ErrorTable = {};
  let heavy = 0;
  for (let i = 0; i < 20_000; i++) {
    addError(t, 'x', `distinct ${word(i)}`);
    if (i % 4 === 0) {
      addError(t, 'x', 'the heavy one');
      heavy++;
    }
    assert.ok(t.x!.messages!.length <= ERROR_MESSAGES_TRACKED);
  }
  const total = t.x!.count;
  assert.equal(total, 20_000 + heavy);
  const top = sortedErrors(t).x!.messages![0]!;
  assert.equal(top.message, 'the heavy one');
  assert.ok(top.count <= heavy && top.count >= heavy - total / (ERROR_MESSAGES_TRACKED + 1), `${top.count} of ${heavy}`);
  assert.ok(t.x!.messages!.reduce((a, m) => a + m.count, 0) <= total);
});

test('mergeable: tables of several generators, rounds and shards merge to the counts of one table', () => {
  const events: Array<[string, string]> = [];
  for (let i = 0; i < 3000; i++)
    events.push(['ack_timeout', `ack ${i} timed out`], ...(i % 3 ? [] : ([['connect_error', `refused by ${word(i % 7)}`]] as Array<[string, string]>)));
  const one: ErrorTable = {};
  for (const [k, m] of events) addError(one, k, m);
  // two shards, each counting every other event, merged from their trimmed results (as `rtbench merge` does)
  const shards: ErrorTable[] = [{}, {}];
  events.forEach(([k, m], i) => addError(shards[i % 2]!, k, m));
  const merged: ErrorTable = {};
  for (const s of shards) addErrorTable(merged, sortedErrors(s));
  const a = sortedErrors(one);
  const b = sortedErrors(merged);
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
  for (const k of Object.keys(a)) {
    assert.equal(b[k]!.count, a[k]!.count);
    assert.deepEqual(
      b[k]!.messages!.map((m) => [m.message, m.count]),
      a[k]!.messages!.map((m) => [m.message, m.count]),
      k,
    );
  }
  // a result written before messages were kept (no `messages`) still merges
  const old: ErrorTable = { connect_error: { count: 4, sample: 'refused by 10.0.0.1' } };
  addErrorTable(merged, old);
  assert.equal(merged.connect_error!.count, a.connect_error!.count + 4);
  assert.ok(merged.connect_error!.messages!.some((m) => m.message === 'refused by <ip>' && m.count === 4 && m.example === 'refused by 10.0.0.1'));
});

test('a source location in a message is kept whole: another line is another error', () => {
  assert.equal(
    normaliseMessage('Error: session 3 failed (Object.session (/work/x-1/test/fixtures/some-fail.ts:15:33))'),
    'Error: session <n> failed (Object.session (/work/x-1/test/fixtures/some-fail.ts:15:33))',
  );
  assert.equal(normaliseMessage('boom 12 at file:///app/lib/chat.mjs:7'), 'boom <n> at file:///app/lib/chat.mjs:7');
});

test('reports show a real message for each group, never the normalised shape alone; a merge across generators, rounds and shards keeps one', async () => {
  const { formatSummary } = await import('../../src/reporters/console-summary.ts');
  const { renderMarkdown } = await import('../../src/reporters/markdown.ts');
  const { errorsTable } = await import('../../src/reporters/html/sections.ts');
  const gens: ErrorTable[] = [{}, {}];
  for (let i = 0; i < 10; i++) addError(gens[i % 2]!, 'request_timeout', `no reply to request never within ${5000 + i}ms`);
  addError(gens[1]!, 'request_timeout', 'socket hang up');
  // generators → a round, rounds → shards → the merged result, each through the written (sorted) form
  const round: ErrorTable = {};
  for (const g of gens) addErrorTable(round, sortedErrors(g));
  const merged: ErrorTable = {};
  addErrorTable(merged, sortedErrors(round));
  addErrorTable(merged, sortedErrors(JSON.parse(JSON.stringify(round)) as ErrorTable));
  const e = sortedErrors(merged).request_timeout!;
  assert.equal(e.count, 22);
  assert.match(e.sample, /^no reply to request never within 50\d\dms$/);
  assert.equal(e.messages![0]!.message, 'no reply to request never within <n>ms');
  assert.match(e.messages![0]!.example!, /^no reply to request never within 50\d\dms$/);
  const run = {
    topology: 'single',
    target: 'http://127.0.0.1:1',
    engine: 'ws',
    status: 'completed',
    startedAt: '',
    durationMs: 1000,
    metrics: {},
    counters: { errors: 22 },
    errors: { request_timeout: e },
    workers: { connections: {}, unidentified: 0, maxOverMean: null, cv: null, maxShare: null, chiSquare: null, stickiness: null },
    timeseries: [],
    thresholds: [],
    generator: { processes: [], saturation: { saturated: false, reasons: [] } },
  };
  const file = { schema: 'rtbench.result/v1', scenario: { name: 's', file: 's.ts', options: {} }, environment: {}, createdAt: '', runs: [run] } as never;
  const text = formatSummary(file);
  assert.match(
    text,
    /errors \(messages grouped by shape, one real message shown each\):\n {4}request_timeout ×22:\n {6}×20 no reply to request never within 50\d\dms\n {6}×2 socket hang up/,
  );
  assert.doesNotMatch(text, /<n>/);
  assert.match(
    renderMarkdown(file),
    /Errors \(messages grouped by shape, one real message shown each\):\n- request\\_timeout ×20: no reply to request never within 50\d\dms/,
  );
  assert.match(
    errorsTable(run as never),
    /<span class="msg">no reply to request never within 50\d\dms<\/span><br><span class="muted ex">grouped by shape: no reply to request never within &lt;n&gt;ms<\/span>/,
  );
});
