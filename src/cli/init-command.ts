import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ExitCode, InputError } from '../shared/errors.ts';
import type { Output } from '../run/reporter.ts';

/** What `rtbench init` writes a starter for: a Socket.IO server, or a plain WebSocket (`ws`) one. */
export type InitTarget = 'socket.io' | 'ws';
export const INIT_TARGETS: readonly InitTarget[] = ['socket.io', 'ws'];

export interface InitArgs {
  /** Chosen with `--target`; else detected from the project's dependencies. */
  target?: InitTarget;
  /** The project folder (default: the working directory). */
  dir: string;
  /** The URL of the server under test, as the CI job starts it. */
  url: string;
}

/**
 * The target from the project's package.json: `socket.io` among its dependencies → Socket.IO,
 * else `ws` → WebSocket; null when neither (or no package.json).
 */
export async function detectTarget(dir: string): Promise<InitTarget | null> {
  let pkg: Record<string, Record<string, string> | undefined>;
  try {
    pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    return null;
  }
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  if ('socket.io' in deps) return 'socket.io';
  if ('ws' in deps) return 'ws';
  return null;
}

/** The `--target` to run the starter with: the URL as given for Socket.IO, its ws:// form (with a path) for ws. */
export function targetUrl(target: InitTarget, url: string): string {
  if (target === 'socket.io') return url;
  const u = new URL(url.replace(/^http/, 'ws'));
  return u.href;
}

/** The starter scenario: connect, one exchange, a short hold; thresholds on connect time, failed sessions and errors. */
export function starterScenario(target: InitTarget, url: string): string {
  const socketio = target === 'socket.io';
  return `import { defineScenario } from 'rtbench';

/**
 * Starter load test for a ${socketio ? 'Socket.IO' : 'WebSocket (ws)'} server, written by \`rtbench init\`.
 * Start your server, then: npx rtbench run rtbench/smoke.ts --target ${targetUrl(target, url)}
 * ${socketio ? 'A path in --target selects the Socket.IO namespace (`/chat`), as `io(url)` does.' : 'The path of --target is the WebSocket path.'}
 * Thresholds gate the run: rtbench exits 99 when one fails (see rtbench's docs/metrics.md, "Thresholds").
 */
export default defineScenario({
  name: 'smoke',
  requiresTarget: true,
  engine: '${target}',
  // 20 clients arrive per second for 30 s; each runs the session below once
  phases: [{ duration: '30s', arrivalRate: 20 }],
  thresholds: {
    'connect.p99': '< 500ms',
    'sessions.failedRate': '< 1%',
    'errors.rate': '< 1%',${socketio ? "\n    // 'ack:echo.p99': '< 100ms', // the acked event below, once it is one of your server's events" : "\n    // 'request.p99': '< 100ms', // the request below, once your server answers it"}
  },
  async session(client) {
    await client.connect(); // timed as \`connect\`
${
  socketio
    ? `    // an event your server acknowledges, timed as \`ack\` and \`ack:<event>\`:
    // await client.emitWithAck('echo', { hello: 'world' });`
    : `    // a message your server answers, timed as \`request\` (the reply is the first message that matches):
    // await client.request(JSON.stringify({ type: 'ping' }), (_message, json) => (json as { type?: string } | undefined)?.type === 'pong');`
}
    await client.think(2000); // hold the connection 2 s, as a user would
    await client.disconnect();
  },
});
`;
}

/** The example CI job: start the server, run the scenario with its thresholds as the gate, keep the report. */
export function ciWorkflow(target: InitTarget, url: string): string {
  const port = /:(\d+)/.exec(url.replace(/^\w+:\/\//, ''))?.[1] ?? '3000';
  return `# Written by \`rtbench init\`: a load test on every pull request, gated by the scenario's
# thresholds (rtbench exits 99 when one fails). Replace the start command with your server's.
name: load test
on: [pull_request]
jobs:
  rtbench:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - run: npm ci
      # start the server under test on loopback, and wait until it listens
      - run: |
          PORT=${port} npm start &
          timeout 60 bash -c 'until (echo > /dev/tcp/127.0.0.1/${port}) 2>/dev/null; do sleep 1; done'
      - run: >
          npx rtbench run rtbench/smoke.ts --target ${targetUrl(target, url)} --quiet
          --out reports/smoke --junit reports/smoke/junit.xml --summary-md reports/smoke/summary.md
      - if: always()
        run: cat reports/smoke/summary.md >> "$GITHUB_STEP_SUMMARY"
      - if: always()
        uses: actions/upload-artifact@v4
        with: { name: rtbench-report, path: reports/smoke }
`;
}

/**
 * `rtbench init`: write rtbench/smoke.ts and .github/workflows/rtbench.yml into the project;
 * refuses (before writing anything) when either exists.
 */
export async function initCommand(a: InitArgs, out: Output): Promise<number> {
  if (!URL.canParse(a.url) || !/^(http|ws)s?:$/.test(new URL(a.url).protocol)) {
    throw new InputError('E_USAGE', `\`--url ${a.url}\` is not an http:// or ws:// URL`, {
      hint: 'e.g. --url http://127.0.0.1:3000 (where your server listens in CI)',
    });
  }
  const detected = a.target ? null : await detectTarget(a.dir);
  const target = a.target ?? detected ?? 'socket.io';
  const files = [
    { path: join(a.dir, 'rtbench', 'smoke.ts'), text: starterScenario(target, a.url) },
    { path: join(a.dir, '.github', 'workflows', 'rtbench.yml'), text: ciWorkflow(target, a.url) },
  ];
  const rel = (p: string): string => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
  const existing = files.filter((f) => existsSync(f.path)).map((f) => rel(f.path));
  if (existing.length) {
    throw new InputError('E_INIT', `rtbench init would overwrite ${existing.join(' and ')}`, {
      hint: 'nothing was written; move or delete those files first, or run `rtbench init --dir <another folder>`',
    });
  }
  for (const f of files) {
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(f.path, f.text, { flag: 'wx' }); // wx: never replaces a file that appeared meanwhile
  }
  const how = a.target
    ? 'as asked'
    : detected
      ? `detected from package.json`
      : 'no socket.io or ws dependency found: pass --target ws for a plain WebSocket server';
  out.write(`rtbench init: a ${target} starter (${how})\n${files.map((f) => `  wrote ${rel(f.path)}`).join('\n')}\n`);
  out.write(`next: start your server, then \`npx rtbench run ${rel(files[0]!.path)} --target ${targetUrl(target, a.url)}\`\n`);
  if (!existsSync(join(a.dir, 'node_modules', 'rtbench')))
    out.write('the scenario imports rtbench: add it to this project with `npm install --save-dev rtbench`\n');
  return ExitCode.ok;
}
