import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { run } from '../../src/run/run.ts';
import { compareCommand } from '../../src/cli/compare-command.ts';
import type { RunFile } from '../../src/result/types.ts';
import { memOutput } from './helpers.ts';

const CHROMIUM = process.env.RTBENCH_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: npm test installs it (scripts/setup-system.sh)`);
  // launch() gives every run a fresh temporary profile (Playwright refuses --user-data-dir here)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
after(async () => {
  await browser?.close();
});

async function open(path: string): Promise<{ errors: string[]; dialogs: string[]; page: Awaited<ReturnType<Browser['newPage']>> }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
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

test("custom metrics over time: a chart of each trend's p99 and one of counters and checks per second", async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-html-'));
  const outcome = await run('test/fixtures/custom-fanout.ts', { out, generators: 1, stdout: memOutput(), stderr: memOutput() });
  assert.equal(outcome.exitCode, 0);
  const { errors, page } = await open(join(out, 'report.html'));
  const legend = (id: string): Promise<string[]> =>
    page
      .locator(`#${id} .u-legend .u-series th`)
      .allInnerTexts()
      .then((t) => t.slice(1).map((x) => x.trim()));
  assert.deepEqual(await legend('ts-custom-trends'), ['fanout p99']);
  assert.deepEqual(await legend('ts-custom-counts'), ['delivered /s', 'checks passed /s', 'checks failed /s']);
  assert.equal(await page.locator('#ts-custom-trends canvas, #ts-custom-counts canvas').count(), 2);
  assert.deepEqual(errors, []);
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

const fmt = (n: number | undefined): string => (n ?? 0).toLocaleString('en-US');

test('a run with failed sessions: verdict first, the summary card has its counts, legends show values on hover only', async () => {
  const out = mkdtempSync(join(tmpdir(), 'rtbench-html-fail-'));
  const outcome = await run('test/fixtures/some-fail.ts', { out, generators: 1, stdout: memOutput(), stderr: memOutput() });
  const r = outcome.file.runs[0]!;
  const c = r.counters;
  assert.ok((c['sessions.failed'] ?? 0) > 0, `failed sessions: ${JSON.stringify(c)}`);
  const { errors, page } = await open(join(out, 'report.html'));
  // the verdict comes before everything else on the page, and says what failed
  const verdict = page.locator('#verdict');
  assert.equal(await verdict.locator('.headline').innerText(), 'FAILED');
  assert.match(await verdict.innerText(), new RegExp(`${c['sessions.failed']} of ${c['sessions.started']} sessions failed`));
  const order = await page.evaluate(() => [...document.querySelectorAll('main > *')].map((e) => e.id).filter(Boolean));
  assert.deepEqual(order.slice(0, 2), ['verdict', 'summary']);
  const fig = async (k: string): Promise<string> => (await page.locator(`.card [data-fig="${k}"] .v`).innerText()).trim();
  assert.equal(await fig('sessions.started'), fmt(c['sessions.started']));
  assert.equal(await fig('sessions.completed'), fmt(c['sessions.completed']));
  assert.equal(await fig('sessions.failed'), fmt(c['sessions.failed']));
  assert.equal(await fig('errors'), fmt(c.errors));
  assert.equal(await fig('messages.sent'), fmt(c['messages.sent']));
  assert.equal(await fig('messages.received'), fmt(c['messages.received']));
  // the derived figures equal result.json's, within the shown rounding
  const shownMs = (t: string): number[] => [...t.matchAll(/([\d.,]+) (m?s)/g)].map((m) => Number(m[1]!.replace(/,/g, '')) * (m[2] === 's' ? 1000 : 1));
  const near = (shown: number, actual: number, what: string): void =>
    assert.ok(Math.abs(shown - actual) <= Math.max(0.006, Math.abs(actual) * 0.006), `${what}: shown ${shown}, result.json ${actual}`);
  const [ackP50, ackP99] = shownMs(await fig('ack'));
  near(ackP50!, r.metrics.ack!.p50, 'ack p50');
  near(ackP99!, r.metrics.ack!.p99, 'ack p99');
  const [conP50, conP99] = shownMs(await fig('connect'));
  near(conP50!, r.metrics.connect!.p50, 'connect p50');
  near(conP99!, r.metrics.connect!.p99, 'connect p99');
  const msgs = (c['messages.sent'] ?? 0) + (c['messages.received'] ?? 0);
  near(Number((await fig('throughput')).replace(/,/g, '')), msgs / (r.durationMs / 1000), 'throughput (msgs/s)');
  const rate = /([\d.]+) % rate/.exec(await page.locator('.card [data-fig="errors"] .sub').innerText());
  near(Number(rate?.[1]), (100 * (c.errors ?? 0)) / (msgs + (c['sessions.started'] ?? 0)), 'error rate (%)');
  assert.match(await page.locator('.card [data-fig="throughput"]').innerText(), /msgs\/s\s+sent \+ received/);
  // errors: a left-aligned table of distinct messages with counts
  const errRows = page.locator('table.errors tbody tr');
  const errRow = errRows.first();
  // every session's own message counts as one group by shape, shown as a real message with its shape below
  assert.equal(await errRows.count(), 1);
  assert.match(
    await errRow.innerText(),
    new RegExp(
      `session_error\\s+${c['sessions.failed']}\\s+100 %\\s+Error: session \\d+ failed on purpose [^\\n]*some-fail\\.ts:\\d+:\\d+\\)\\)\\s+grouped by shape: Error: session <n> failed on purpose`,
    ),
  );
  assert.equal(
    await errRow
      .locator('td')
      .nth(3)
      .evaluate((td) => getComputedStyle(td).textAlign),
    'left',
  );
  const counts = (await errRows.evaluateAll((rows) => rows.map((r) => Number(r.children[1]!.textContent!.replace(/,/g, ''))))).reduce((a, b) => a + b, 0);
  assert.equal(counts, c.errors, 'the rows (distinct messages and the rest) add up to the error count');
  // the environment is a table, not a JSON dump
  assert.equal(await page.locator('#environment pre').count(), 0);
  assert.match(await page.locator('#environment table.kv').first().innerText(), /Node\.js\s+v\d+/);
  // legends: names only until the cursor is over a chart, then values with units
  const value = page.locator('#ts-throughput .u-legend .u-series').nth(1).locator('.u-value');
  assert.equal(await value.isVisible(), false, 'no value (no "--") before hover');
  const after = (): Promise<string> =>
    page
      .locator('#ts-throughput .u-legend .u-series')
      .nth(1)
      .locator('th')
      .evaluate((th) => getComputedStyle(th, '::after').content);
  assert.equal(await after(), 'none', 'no trailing colon after a name before hover');
  const over = page.locator('#ts-throughput .u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  assert.equal(await value.isVisible(), true);
  assert.match(await value.innerText(), /msgs\/s$/);
  assert.equal(await after(), '":"', 'name: value while hovered');
  // phase markers come from the scenario's phases
  const data = JSON.parse((await page.locator('#rtbench-data').textContent()) ?? '{}') as {
    runs: Array<{
      markers: Array<{ label: string; at: number }>;
      curves: Record<string, Array<[number, number]>>;
      series: { t: number[]; sent: Array<number | null> };
    }>;
  };
  assert.deepEqual(
    data.runs[0]!.markers.map((m) => [m.label, m.at]),
    [
      ['warm', 0],
      ['load', 1],
    ],
  );
  // the time series' last second: scaled by the part of it that ran, or left out (no dive to 0 at the end)
  const sent = data.runs[0]!.series.sent;
  const lastShare = r.durationMs / 1000 - Math.floor(r.durationMs / 1000);
  const lastPoint = r.timeseries.at(-1)!;
  if (lastPoint.t === Math.floor(r.durationMs / 1000)) {
    if (lastShare >= 0.5) assert.equal(sent.at(-1), lastPoint.messagesSent / lastShare, `last second: ${lastShare} of a second`);
    else
      assert.deepEqual(
        [data.runs[0]!.series.t.at(-1), sent.length],
        [lastPoint.t - 1, r.timeseries.length - 1],
        `last second (${lastShare} of a second) left out`,
      );
  }
  // the percentile axis ends at the data's highest percentile, and p50 is labelled
  const curveMax = Math.max(...Object.values(data.runs[0]!.curves).flatMap((c) => c.map((p) => p[0])));
  assert.equal(Number(await page.locator('#curve').getAttribute('data-x-max')), curveMax);
  const ticks = (await page.locator('#curve').getAttribute('data-x-ticks'))!.split(' ');
  assert.deepEqual(ticks.slice(0, 3), ['p0', 'p50', 'p90'], ticks.join(' '));
  assert.ok(ticks.length >= 4, 'and the last percentile drawn');
  assert.deepEqual(errors, []);
  const shot = join(out, 'report-failed.png');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: shot, fullPage: true });
  process.stdout.write(`# screenshot: ${shot}\n`);
});

test('compare --report: two runs overlaid in one set of charts, led by a delta table with bootstrap intervals', async () => {
  const [a, b] = [mkdtempSync(join(tmpdir(), 'rtbench-cmp-a-')), mkdtempSync(join(tmpdir(), 'rtbench-cmp-b-'))];
  await run('test/fixtures/tiny-echo.ts', { out: a, duration: '1s', repeat: 3, generators: 1, stdout: memOutput(), stderr: memOutput() });
  await run('test/fixtures/tiny-echo.ts', {
    out: b,
    duration: '1s',
    repeat: 3,
    generators: 1,
    topology: 'cluster:2',
    stdout: memOutput(),
    stderr: memOutput(),
  });
  const report = join(b, 'compare.html');
  const stdout = memOutput();
  await compareCommand({ baseline: join(a, 'result.json'), current: join(b, 'result.json'), crossTopology: true, report }, stdout);
  assert.match(stdout.text(), /report: .*compare\.html/);
  const { errors, page } = await open(report);
  assert.match(await page.locator('h1').innerText(), /single vs cluster:2/);
  assert.deepEqual(await page.locator('.card').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-run'))), ['single', 'cluster:2']);
  // the delta table leads (before the charts), with compare's verdict words and intervals from the rounds
  const order = await page.evaluate(() => [...document.querySelectorAll('main > section')].map((e) => e.id));
  assert.ok(order.indexOf('deltas') < order.indexOf('charts'), order.join());
  const words = await page.locator('#deltas .vd').allInnerTexts();
  assert.ok(words.length >= 3);
  for (const w of words) assert.ok(['REGRESSION', 'worse (within limit)', 'no clear difference', 'improved'].includes(w), w);
  assert.match(await page.locator('#deltas').innerText(), /ack\.p99[^\n]*%[^\n]*…/);
  assert.doesNotMatch(await page.locator('#deltas').innerText(), /single round/);
  // one percentile chart with both runs' curves; the metric is selectable
  const curve = page.locator('#curve');
  assert.equal(await curve.getAttribute('data-series'), '2');
  assert.equal(await curve.locator('.u-legend .u-series').count(), 3, 'x + one series per run');
  await page.locator('#curve-pick .chip', { hasText: /^connect$/ }).click();
  assert.equal(await curve.getAttribute('data-metric'), 'connect');
  assert.equal(await curve.locator('canvas').count(), 1, 'redrawn in place');
  // time series overlay the runs too
  assert.deepEqual(
    await page
      .locator('#ts-throughput .u-legend .u-series th')
      .allInnerTexts()
      .then((t) => t.slice(1).map((x) => x.trim())),
    ['single', 'cluster:2'],
  );
  assert.deepEqual(errors, []);
  const shot = join(b, 'compare.png');
  await page.screenshot({ path: shot, fullPage: true });
  process.stdout.write(`# screenshot: ${shot}\n`);
});

/** `rtbench …` through the real CLI: its exit code and output. */
function rtbench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/rtbench.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** figure → verdict word, from `compare`'s console table. */
function compareVerdicts(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*\S+\s+(\S+\.(?:p50|p90|p99|p999|mean)|throughput)\s+[\d.]+\s+[\d.]+\s+\S+\s+\S+\s+\S+\s+(.+?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

test('rtbench report A.json B.json (CLI): the same verdicts as rtbench compare, with and without --max; a regression is in the banner', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtbench-report-cli-'));
  await run('test/fixtures/tiny-echo.ts', { out: dir, duration: '1s', generators: 1, stdout: memOutput(), stderr: memOutput() });
  // B is A with ack p99 three times as high and ack p50 1.5 times: a regression by compare's default limits (p99 only),
  // and two with --max p50=+10%,p99=+10% (the report used to judge p50 by default, unlike compare)
  const a = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as RunFile;
  const b = structuredClone(a);
  b.runs[0]!.metrics.ack!.p99 *= 3;
  b.runs[0]!.metrics.ack!.p50 *= 1.5;
  const [fa, fb] = [join(dir, 'base.json'), join(dir, 'slower.json')];
  writeFileSync(fa, JSON.stringify(a));
  writeFileSync(fb, JSON.stringify(b));
  for (const max of [[], ['--max', 'p50=+10%,p99=+10%']]) {
    const html = join(dir, `report${max.length ? '-max' : ''}.html`);
    const [cmp, rep] = await Promise.all([rtbench(['compare', fa, fb, ...max]), rtbench(['report', fa, fb, '--out', html, ...max])]);
    assert.equal(cmp.code, 99, cmp.stderr);
    assert.equal(rep.code, 0, rep.stderr);
    assert.equal(rep.stdout, `report: ${html}\n`);
    const want = compareVerdicts(cmp.stdout);
    assert.equal(want['ack.p99'], 'REGRESSION', cmp.stdout);
    assert.equal(want['ack.p50'], max.length ? 'REGRESSION' : undefined, 'compare judges p50 only with --max');
    const { errors, page } = await open(html);
    const got = Object.fromEntries(
      await page
        .locator('#deltas tbody tr')
        .evaluateAll((rows) =>
          rows.filter((r) => r.querySelector('code')).map((r) => [r.querySelector('code')!.textContent!, r.querySelector('.vd')!.textContent!]),
        ),
    ) as Record<string, string>;
    assert.deepEqual(got, want, 'the report judges every figure as compare does');
    const regressions = Object.values(want).filter((v) => v === 'REGRESSION').length;
    const base = (await page.locator('.card').first().getAttribute('data-run'))!;
    assert.equal(await page.locator('#verdict .headline').innerText(), `FAILED — ${regressions} REGRESSION${regressions > 1 ? 'S' : ''} vs ${base}`);
    assert.match(await page.locator('#verdict').innerText(), new RegExp(`${regressions} REGRESSIONS? vs .*ack\\.p99`));
    assert.deepEqual(errors, []);
    if (!max.length) {
      const shot = join(dir, 'report-regression.png');
      await page.screenshot({ path: shot, fullPage: true });
      process.stdout.write(`# screenshot: ${shot}\n`);
    }
  }
  // the same file against itself: no regression, and the banner says so
  const same = join(dir, 'same.html');
  assert.equal((await rtbench(['report', fa, fa, '--out', same])).code, 0);
  const { page } = await open(same);
  assert.doesNotMatch(await page.locator('#verdict .headline').innerText(), /REGRESSION/);
  assert.match(await page.locator('#verdict').innerText(), /no regression vs /);
  // tiny-echo acks one event: ack:echo repeats ack, so the tables leave it out (compare lists it)
  assert.ok(compareVerdicts((await rtbench(['compare', fa, fa])).stdout)['ack:echo.p99'], 'compare lists ack:echo');
  const deltaText = await page.locator('#deltas').innerText();
  assert.match(deltaText, /ack\.p99/);
  assert.doesNotMatch(deltaText, /ack:echo/);
  assert.equal(await page.locator('#run-0 table code', { hasText: /^ack:echo$/ }).count(), 0);
  assert.match(await page.locator('#run-0').innerText(), /acks one event: ack:echo has the same samples as ack/);
  // one result with no .json ending: the report is written beside it and the path printed is the one written
  const bare = join(dir, 'run-a');
  writeFileSync(bare, JSON.stringify(a));
  const one = await rtbench(['report', bare]);
  assert.equal(one.stdout, `report: ${bare}.html\n`);
  assert.ok(existsSync(`${bare}.html`));
});

test("a run without acks headlines its own latency: an SSE run's card and charts lead with sse:first, every trend has a chip", async () => {
  const { startSseApp } = await import('../../examples/apps/sse-feed.ts');
  const app = await startSseApp({ tickMs: 50, retryMs: 200, closeAfterMs: 1500, tokenMs: 5 });
  const out = mkdtempSync(join(tmpdir(), 'rtbench-html-sse-'));
  try {
    const outcome = await run('test/fixtures/sse-feed.ts', {
      target: `${app.url}/events`,
      out,
      duration: '1s',
      generators: 1,
      stdout: memOutput(),
      stderr: memOutput(),
    });
    assert.equal(outcome.exitCode, 0);
    const r = outcome.file.runs[0]!;
    const { errors, page } = await open(join(out, 'report.html'));
    assert.deepEqual(errors, []);
    // the card: sse:first first, with the run's own p50 / p99; no "ack" figure
    const first = page.locator('.card .fig').first();
    assert.equal(await first.getAttribute('data-fig'), 'sse:first');
    assert.match(await first.innerText(), /sse:first p50 \/ p99/);
    assert.equal(await page.locator('.card [data-fig="ack"]').count(), 0);
    const shown = (await first.locator('.v').innerText()).split('/').map((x) => Number.parseFloat(x.replace(/[^\d.]/g, '')));
    assert.ok(
      Math.abs(shown[0]! - r.metrics['sse:first']!.p50) <= Math.max(0.1, r.metrics['sse:first']!.p50 * 0.05),
      `${shown[0]} vs ${r.metrics['sse:first']!.p50}`,
    );
    // every trend has a chip in the percentile chart; the main one is on
    const chips = await page.locator('#curve-pick .chip').allInnerTexts();
    for (const m of ['sse:first', 'sse:done', 'sse:gap', 'recovery', 'connect']) assert.ok(chips.includes(m), `${m} among ${chips.join(', ')}`);
    assert.equal(await page.locator('#curve-pick .chip.on', { hasText: /^sse:first$/ }).count(), 1);
    // the latency-over-time chart draws sse:first p99
    assert.match(await page.locator('#ts-latency').innerText(), /sse:first p99/);
  } finally {
    await app.close();
  }
});
