/**
 * Query values never leak (issue 23, item 2): every query value of `--target` and of the
 * scenario's `connect.query` is REDACTED on the console, in the dry run, in result.json and in
 * report.html, unless named safe with `--show-query`; the clients still send them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startReferenceServer } from '../../reference-server/start.ts';
import type { RunFile } from '../../src/result/types.ts';

const BIN = new URL('../../bin/rtbench.js', import.meta.url).pathname;

function rtbenchAsync(args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

// the query of the report: none of these values may appear anywhere
const SECRETS = ['JWT-AAA.BBB.CCC', 'SESSION-0451', 'CLIENT-SECRET-99', 'AMZ-SIG-f00d', 'QSECRET-APIKEY', 'QSECRET-TENANT'];
const query = `jwt=${SECRETS[0]}&session_id=${SECRETS[1]}&client_secret=${SECRETS[2]}&X-Amz-Signature=${SECRETS[3]}&lang=fr`;

function assertNoSecret(where: string, text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} shows the query value ${s}`);
}

test('--dry-run: target query and connect.query values are REDACTED; --show-query names stay', async () => {
  const r = await rtbenchAsync(['run', 'test/fixtures/query-secrets.ts', '--dry-run', '--target', `http://127.0.0.1:9/?${query}`, '--show-query', 'lang,room']);
  assert.equal(r.status, 0, r.out);
  assertNoSecret('the dry run', r.out);
  assert.match(r.out, /jwt=REDACTED&session_id=REDACTED&client_secret=REDACTED&X-Amz-Signature=REDACTED&lang=fr/);
  assert.match(r.out, /query room=lobby&apikey=REDACTED&tenant=REDACTED/);
});

test('a run: console, result.json and report.html show no query value but those named safe; the clients still connect with them', async () => {
  const server = await startReferenceServer({ topology: 'single' });
  const out = mkdtempSync(join(tmpdir(), 'rtbench-redact-'));
  try {
    const r = await rtbenchAsync(['run', 'test/fixtures/query-secrets.ts', '--target', `${server.url}/?${query}`, '--out', out, '--show-query', 'lang,room']);
    assert.equal(r.status, 0, r.out);
    assertNoSecret('the console', r.out);
    assert.match(r.out, /X-Amz-Signature=REDACTED&lang=fr/);
    const json = readFileSync(join(out, 'result.json'), 'utf8');
    assertNoSecret('result.json', json);
    const file = JSON.parse(json) as RunFile;
    assert.match(file.runs[0]!.target, /\?jwt=REDACTED&session_id=REDACTED&client_secret=REDACTED&X-Amz-Signature=REDACTED&lang=fr$/);
    assert.deepEqual(file.showQuery, ['lang', 'room']);
    assert.ok(file.runs[0]!.metrics.ack!.count > 0, 'the clients connected with the query (the server answered acks)');
    assertNoSecret('report.html', readFileSync(join(out, 'report.html'), 'utf8'));
    // re-rendered from result.json: still nothing, and `lang` still shown
    const again = await rtbenchAsync(['report', join(out, 'result.json'), '--out', join(out, 'again.html')]);
    assert.equal(again.status, 0, again.out);
    const html = readFileSync(join(out, 'again.html'), 'utf8');
    assertNoSecret('the re-rendered report', html);
    assert.match(html, /lang=fr/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    await server.stop();
  }
});
