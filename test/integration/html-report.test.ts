import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { run } from '../../src/run/run.ts';
import { memOutput } from './helpers.ts';

const CHROMIUM = process.env.RTBENCH_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: npm test installs it (scripts/setup-system.sh)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
});

async function open(path: string): Promise<{ errors: string[]; dialogs: string[]; page: Awaited<ReturnType<Browser['newPage']>> }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(path).href);
  await page.waitForSelector('body[data-charts]', { timeout: 10_000 });
  return { errors, dialogs, page };
}

test('report.html of a churn run renders its charts in Chromium with no console error', async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-html-'));
  const outcome = await run('scenarios/churn.ts', { out, duration: '5s', stdout: memOutput(), stderr: memOutput() });
  assert.equal(outcome.exitCode, 0);
  const { errors, page } = await open(join(out, 'report.html'));
  const charts = Number(await page.getAttribute('body', 'data-charts'));
  assert.ok(charts >= 5, `charts drawn: ${charts}`);
  assert.ok((await page.locator('.uplot canvas').count()) >= 5);
  assert.match(await page.locator('h1').innerText(), /rtbench: churn/);
  assert.deepEqual(errors, []);
  const shot = join(out, 'report.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(statSync(shot).size > 20_000, 'a screenshot with content');
  process.stdout.write(`# screenshot: ${shot}\n`);
});

test('a hostile scenario name stays inert; credentials in URLs are redacted; CSP is set', async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-xss-'));
  await run('test/fixtures/xss.ts', { out, stdout: memOutput(), stderr: memOutput() });
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.ok(!html.includes('<img src=x onerror=alert(1)>'), 'the name is escaped');
  assert.match(html, /Content-Security-Policy/);
  assert.ok(!html.includes('hunter2') && !html.includes('s3cr3t'), 'secrets redacted');
  const json = readFileSync(join(out, 'result.json'), 'utf8');
  assert.ok(!json.includes('hunter2') && !json.includes('s3cr3t'), 'secrets redacted in result.json too');
  assert.match(json, /REDACTED/);
  const { errors, dialogs, page } = await open(join(out, 'report.html'));
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator('img').count(), 0);
  assert.match(await page.locator('h1').innerText(), /<img src=x onerror=alert\(1\)>/);
  assert.deepEqual(errors, []);
});
