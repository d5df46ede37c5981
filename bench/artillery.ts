/**
 * Generator CPU per session: rtbench (engines `socket.io` and `socket.io-lean`) against Artillery 2's
 * built-in socketio engine, side by side in one run, at the same open arrival rate against the same
 * reference server (`single` topology, started in THIS process so it is in neither tool's process tree).
 *
 * A session = connect + 10 acked `echo` events (one after the other, the reply checked) + disconnect:
 * bench/artillery/rtbench-session.ts for rtbench, a generated YAML flow for Artillery. Artillery runs
 * twice, its phase written as `arrivalRate` and as a flat ramp (see TOOLS below: the plain phase
 * busy-waits between arrivals).
 *
 *   node --import tsx bench/artillery.ts
 *   RTBENCH_BENCH_RATE=100 RTBENCH_BENCH_SECONDS=15 RTBENCH_BENCH_ROUNDS=3 (the defaults; medians over the
 *   rounds, the order of the tools rotating from round to round; about 4½ minutes)
 *
 * How generator CPU is measured. Each tool runs as a child process of a `bash -c` wrapper:
 *
 *     bash -c '"$@"; rc=$?; read -r s < /proc/$$/stat; printf "%s\n" "$s" > STATFILE; exit $rc' bash TOOL ARGS…
 *
 *  - Total: after the tool exits, bash has reaped it, so bash's cutime + cstime (fields 16 and 17 of
 *    /proc/<bash>/stat) hold the user + system CPU of the tool and of every descendant that was
 *    reaped in turn (rtbench's coordinator reaps its generator process; Artillery's workers are
 *    threads of its one process). It is the rusage that wait4() returns, what `/usr/bin/time` prints.
 *    The server is not in that tree: it runs in this process's tree.
 *  - Steady state (the headline): every 500 ms the live tree under bash is read from /proc
 *    (utime + stime + cutime + cstime of every descendant) together with the server's count of
 *    connections accepted so far. Between the moment 10% of the scheduled sessions had connected and
 *    the one 90% had, CPU used / sessions started is the generator CPU per session, without the
 *    tools' start-up (loading modules, tsx, Artillery's plugins) and shutdown (reports), which the
 *    total figure includes.
 *  - Check: an exited descendant that nobody reaped would be missing from the total; the result is
 *    flagged when the total is below the largest live sample.
 *
 * Sessions completed, failed and errors are reported for each tool, so a tool that failed sessions
 * is not flattered (a ratio counts as met only when both tools completed ≥ 99% of their sessions).
 *
 * Artillery runs with a preload (bench/artillery/preload.cjs) that turns its telemetry into a no-op,
 * blocks any connection to a non-loopback address, and lets it load next to this project's TypeScript 7.
 *
 * Writes bench/results/artillery.json and prints a table and the ratios with their goal (≤ 1/3).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceServer, type ServerHandle } from '../reference-server/start.ts';
import { envInt, environment } from './env.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const RATE = envInt('RTBENCH_BENCH_RATE', 100, 1, 2000);
const SECONDS = envInt('RTBENCH_BENCH_SECONDS', 15, 2, 600);
const ROUNDS = envInt('RTBENCH_BENCH_ROUNDS', 3, 1, 10);
const ECHOES = 10;
const TICK_HZ = 100; // getconf CLK_TCK on Linux

/**
 * Artillery runs twice, with the same uniform 100/s schedule written two ways:
 *  - `artillery`: `arrivalRate: R`, the constant-rate phase of its docs. Artillery times those
 *    arrivals with nanotimer, which busy-waits (a setImmediate loop) whenever the gap between arrivals
 *    is under 25 ms, i.e. from 40 arrivals/s on, and for the last 25 ms of any longer gap: its worker
 *    thread then keeps a whole core busy whatever the session costs.
 *  - `artillery flat-ramp`: `arrivalRate: R, rampTo: R`, a "ramp" from R to R: the same arrivals
 *    (R per second, evenly spaced), timed by driftless (setTimeout), with no busy-wait.
 * The goal is checked against the flat ramp (Artillery's cost per session without the idle spin);
 * the ratio against the plain `arrivalRate` phase is reported next to it.
 */
type Tool = 'rtbench socket.io' | 'rtbench socket.io-lean' | 'artillery' | 'artillery flat-ramp' | 'lean engine alone' | 'socket.io-client script';
/**
 * `lean engine alone` is the floor: the socket.io-lean engine running the session with no harness
 * (bench/artillery/engine-alone.ts). `socket.io-client script`: the session as a plain socket.io-client
 * script in plain Node (bench/artillery/socketio-alone.mjs), the yardstick of the default engine.
 * RTBENCH_BENCH_ARTILLERY=0 leaves Artillery out (where it cannot be installed).
 */
const TOOLS: Tool[] = [
  'rtbench socket.io',
  'rtbench socket.io-lean',
  ...(process.env.RTBENCH_BENCH_ARTILLERY === '0' ? [] : (['artillery', 'artillery flat-ramp'] as const)),
  'lean engine alone',
  'socket.io-client script',
];
/**
 * rtbench runs as the installed package does, from the compiled dist/ (built first: `npm run
 * build`), so its start-up CPU is a user's; RTBENCH_BENCH_BUILT=0 runs the TypeScript sources
 * through tsx instead (a checkout's bin/rtbench.js), which adds the loader's compile of rtbench itself.
 */
const BUILT = process.env.RTBENCH_BENCH_BUILT !== '0';

// ---- /proc -----------------------------------------------------------------------------------------

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, clock ticks */
  self: number;
  /** cutime + cstime, clock ticks */
  children: number;
}

/** Fields of /proc/<pid>/stat after the command name: index 0 is field 3 (state). */
function parseStat(text: string, pid: number): ProcStat {
  const f = text
    .slice(text.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
  return { pid, ppid: Number(f[1]), self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), pid);
  } catch {
    return null; // gone
  }
}

/** Every live process, by pid. */
function allStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = readStat(Number(d));
    if (s) out.set(s.pid, s);
  }
  return out;
}

/** The live descendants of `root` (not `root` itself). */
function descendants(root: number, stats = allStats()): ProcStat[] {
  const kids = new Map<number, ProcStat[]>();
  for (const s of stats.values()) {
    const list = kids.get(s.ppid);
    if (list) list.push(s);
    else kids.set(s.ppid, [s]);
  }
  const out: ProcStat[] = [];
  const queue = [root];
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    for (const c of kids.get(queue[i]!) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/** CPU seconds of a process tree (live processes plus what they reaped). */
const treeCpuS = (pids: ProcStat[]): number => pids.reduce((a, s) => a + s.self + s.children, 0) / TICK_HZ;

// ---- running a tool --------------------------------------------------------------------------------

interface Sample {
  t: number;
  /** CPU seconds of the live tree under the wrapper */
  cpuS: number;
  /** of which the tool's main process (rtbench: the coordinator; Artillery: everything, its workers are threads) */
  mainCpuS: number;
  /** server: connections accepted since the start of this run */
  connections: number;
  /** server CPU seconds since the start of this run */
  serverCpuS: number;
}

interface Measured {
  exitCode: number | null;
  /** user + system CPU seconds of the tool's whole process tree over its life (the wrapper's cutime + cstime) */
  cpuS: number;
  /** steady state: CPU µs per session between 10% and 90% of the sessions connecting, null when too few samples */
  steady: { cpuUsPerSession: number; mainProcessCpuUsPerSession: number; serverCpuUsPerSession: number; sessions: number; seconds: number } | null;
  /** CPU seconds used before the first session connected (start-up) */
  startupCpuS: number | null;
  /** largest live-tree sample; above cpuS means a descendant escaped the accounting */
  sampledMaxS: number;
  wallS: number;
  log: string;
}

const serverCpu = (server: ServerHandle): number => {
  const s = readStat(server.pid);
  return s ? treeCpuS([s, ...descendants(server.pid)]) : 0;
};

async function serverConnections(server: ServerHandle): Promise<number | null> {
  try {
    const r = await fetch(`${server.url}/__rtbench/stats`, { signal: AbortSignal.timeout(2000) });
    return ((await r.json()) as { totalConnections: number }).totalConnections;
  } catch {
    return null;
  }
}

/** The steady-state window of a run: from 10% to 90% of `expected` sessions connected. */
function steadyWindow(samples: Sample[], expected: number): Measured['steady'] {
  const a = samples.find((x) => x.connections >= expected * 0.1);
  const b = samples.filter((x) => x.connections <= expected * 0.9).at(-1);
  if (!a || !b || b.connections - a.connections < expected * 0.5) return null;
  const n = b.connections - a.connections;
  return {
    cpuUsPerSession: ((b.cpuS - a.cpuS) / n) * 1e6,
    mainProcessCpuUsPerSession: ((b.mainCpuS - a.mainCpuS) / n) * 1e6,
    serverCpuUsPerSession: ((b.serverCpuS - a.serverCpuS) / n) * 1e6,
    sessions: n,
    seconds: b.t - a.t,
  };
}

/** Run `cmd args` under the bash wrapper; resolve with its tree's CPU once it exits (bounded by `timeoutMs`). */
async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv, server: ServerHandle, expected: number, timeoutMs: number): Promise<Measured> {
  const dir = mkdtempSync(join(os.tmpdir(), 'rtbench-cpu-'));
  const statFile = join(dir, 'stat');
  const logFile = join(dir, 'log');
  const script = '"$@" >"$RTBENCH_LOG" 2>&1; rc=$?; read -r s < /proc/$$/stat; printf "%s\\n" "$s" > "$RTBENCH_STATFILE"; exit $rc';
  const conns0 = (await serverConnections(server)) ?? 0;
  const serverCpu0 = serverCpu(server);
  const t0 = performance.now();
  const child = spawn('bash', ['-c', script, 'bash', cmd, ...args], {
    cwd: root,
    env: { ...env, RTBENCH_STATFILE: statFile, RTBENCH_LOG: logFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    // stop what we started, by pid: the tool's processes first (the wrapper then exits by itself)
    if (child.pid) {
      for (const d of descendants(child.pid).reverse()) {
        try {
          process.kill(d.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }, timeoutMs);
  const samples: Sample[] = [];
  for (let i = 0; i < timeoutMs / 500 + 10 && !exited; i++) {
    await Promise.race([new Promise((r) => setTimeout(r, 500)), exit]);
    if (exited || !child.pid) break;
    const tree = descendants(child.pid);
    const main = tree.find((d) => d.ppid === child.pid); // the tool's process, under bash
    const cpuS = treeCpuS(tree);
    const serverCpuS = serverCpu(server) - serverCpu0;
    const conns = await serverConnections(server);
    if (conns !== null)
      samples.push({ t: (performance.now() - t0) / 1000, cpuS, mainCpuS: main ? main.self / TICK_HZ : 0, connections: conns - conns0, serverCpuS });
  }
  const exitCode = await exit;
  clearTimeout(killer);
  const wallS = (performance.now() - t0) / 1000;
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  if (!existsSync(statFile)) throw new Error(`${cmd}: the wrapper wrote no stat file (exit ${exitCode})\n${log.slice(-2000)}`);
  const cpuS = parseStat(readFileSync(statFile, 'utf8'), 0).children / TICK_HZ;
  rmSync(dir, { recursive: true, force: true });
  if (timedOut) throw new Error(`${cmd} ${args.join(' ')} did not finish within ${timeoutMs / 1000} s\n${log.slice(-2000)}`);
  return {
    exitCode,
    cpuS,
    steady: steadyWindow(samples, expected),
    startupCpuS: samples.find((x) => x.connections > 0)?.cpuS ?? null,
    sampledMaxS: samples.reduce((m, x) => Math.max(m, x.cpuS), 0),
    wallS,
    log,
  };
}

interface Outcome extends Measured {
  sessionsCompleted: number;
  sessionsFailed: number;
  errors: number;
  errorKinds: Record<string, number>;
  ackP99Ms: number | null;
  note?: string;
  /** rtbench's own verdict that its generator was saturated (then the machine, not the session, set the pace) */
  saturated?: boolean;
}

async function runRtbench(engine: 'socket.io' | 'socket.io-lean', rate: number, seconds: number, server: ServerHandle): Promise<Outcome> {
  const out = mkdtempSync(join(os.tmpdir(), 'rtbench-bench-'));
  try {
    const m = await measure(
      process.execPath,
      [
        BUILT ? join(here, 'artillery', 'rtbench-dist.mjs') : join(root, 'bin', 'rtbench.js'),
        'run',
        join(here, 'artillery', 'rtbench-session.ts'),
        '--target',
        server.url,
        '--generators',
        '1',
        '--quiet',
        '--out',
        out,
      ],
      { ...process.env, RTBENCH_BENCH_ENGINE: engine, RTBENCH_BENCH_RATE: String(rate), RTBENCH_BENCH_SECONDS: String(seconds) },
      server,
      rate * seconds,
      (seconds + 120) * 1000,
    );
    const resultFile = join(out, 'result.json');
    if (!existsSync(resultFile)) throw new Error(`rtbench wrote no result.json (exit ${m.exitCode})\n${m.log.slice(-2000)}`);
    const r = (
      JSON.parse(readFileSync(resultFile, 'utf8')) as {
        runs: Array<{
          counters: Record<string, number>;
          errors: Record<string, { count: number }>;
          metrics: Record<string, { p99: number }>;
          generator: { saturation: { saturated: boolean; reasons: string[] } };
        }>;
      }
    ).runs[0]!;
    const errorKinds = Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [k, v.count]));
    return {
      ...m,
      sessionsCompleted: r.counters['sessions.completed'] ?? 0,
      sessionsFailed: (r.counters['sessions.failed'] ?? 0) + (r.counters['sessions.interrupted'] ?? 0) + (r.counters['sessions.dropped'] ?? 0),
      errors: Object.values(errorKinds).reduce((a, b) => a + b, 0),
      errorKinds,
      ackP99Ms: r.metrics['ack:echo']?.p99 ?? null,
      ...(r.generator.saturation.saturated ? { saturated: true, note: `generator saturated: ${r.generator.saturation.reasons.join('; ')}` } : {}),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Artillery is a dependency of this benchmark only: it is installed on first use into
 * bench/.artillery (git-ignored, pinned version), not into the project, so `npm install` for
 * rtbench itself stays small and never pulls it (778 packages, ~600 MB).
 */
const ARTILLERY_VERSION = '2.0.21';
function ensureArtillery(): string {
  const prefix = join(here, '.artillery');
  const bin = join(prefix, 'node_modules', 'artillery', 'bin', 'run');
  if (existsSync(bin)) return bin;
  console.error(`installing artillery@${ARTILLERY_VERSION} into ${prefix} (first run only)…`);
  mkdirSync(prefix, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', `artillery@${ARTILLERY_VERSION}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  if (r.status !== 0 || !existsSync(bin)) throw new Error(`could not install artillery@${ARTILLERY_VERSION} into ${prefix} (npm exit ${r.status})`);
  return bin;
}

function artilleryScript(target: string, rate: number, seconds: number, flatRamp: boolean): unknown {
  return {
    config: {
      target,
      phases: [flatRamp ? { duration: seconds, arrivalRate: rate, rampTo: rate } : { duration: seconds, arrivalRate: rate }],
      socketio: { transports: ['websocket'] }, // as rtbench: no long-polling
      timeout: 10,
    },
    scenarios: [
      {
        name: 'session',
        engine: 'socketio',
        flow: [
          {
            loop: [
              {
                // `acknowledge` next to `emit`: the engine emits with an ack callback, waits for it, and
                // checks its last argument against `data` (a string: substring match)
                emit: { channel: 'echo', data: 'hello {{ $loopCount }}' },
                acknowledge: { data: 'hello {{ $loopCount }}' },
              },
            ],
            count: ECHOES,
          },
        ],
      },
    ],
  };
}

async function runArtillery(rate: number, seconds: number, server: ServerHandle, flatRamp: boolean): Promise<Outcome> {
  const dir = mkdtempSync(join(os.tmpdir(), 'rtbench-artillery-'));
  try {
    const scriptFile = join(dir, 'session.yml'); // JSON is YAML
    const reportFile = join(dir, 'report.json');
    writeFileSync(scriptFile, JSON.stringify(artilleryScript(server.url, rate, seconds, flatRamp), null, 2));
    const bin = ensureArtillery();
    const guard = join(here, 'artillery', 'preload.cjs');
    const m = await measure(
      process.execPath,
      [bin, 'run', '--quiet', '--output', reportFile, scriptFile],
      {
        ...process.env,
        ARTILLERY_DISABLE_TELEMETRY: 'true',
        DO_NOT_TRACK: '1',
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${guard}`.trim(),
      },
      server,
      rate * seconds,
      (seconds + 120) * 1000,
    );
    if (!existsSync(reportFile)) throw new Error(`artillery wrote no report (exit ${m.exitCode})\n${m.log.slice(-2000)}`);
    const c = (JSON.parse(readFileSync(reportFile, 'utf8')) as { aggregate: { counters: Record<string, number>; summaries?: Record<string, { p99: number }> } })
      .aggregate;
    const errorKinds = Object.fromEntries(
      Object.entries(c.counters)
        .filter(([k]) => k.startsWith('errors.'))
        .map(([k, v]) => [k.slice(7), v]),
    );
    const blocked = (m.log.match(/\[no-egress\] blocked/g) ?? []).length;
    return {
      ...m,
      sessionsCompleted: c.counters['vusers.completed'] ?? 0,
      sessionsFailed: c.counters['vusers.failed'] ?? 0,
      errors: Object.values(errorKinds).reduce((a, b) => a + b, 0),
      errorKinds,
      ackP99Ms: c.summaries?.['socketio.response_time']?.p99 ?? null,
      ...(blocked ? { note: `${blocked} outbound connection(s) blocked` } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The engine alone (no harness): the floor under rtbench's figure; or the plain socket.io-client script. */
async function runEngineAlone(rate: number, seconds: number, server: ServerHandle, plain = false): Promise<Outcome> {
  const m = await measure(
    process.execPath,
    plain ? [join(here, 'artillery', 'socketio-alone.mjs'), server.url] : ['--import', 'tsx', join(here, 'artillery', 'engine-alone.ts'), server.url],
    { ...process.env, RTBENCH_BENCH_RATE: String(rate), RTBENCH_BENCH_SECONDS: String(seconds) },
    server,
    rate * seconds,
    (seconds + 120) * 1000,
  );
  const line = m.log.split('\n').find((l) => l.startsWith('{"completed"'));
  if (!line) throw new Error(`engine-alone printed no result (exit ${m.exitCode})\n${m.log.slice(-2000)}`);
  const r = JSON.parse(line) as { completed: number; failed: number; errors: Record<string, number>; ackP99Ms: number | null };
  return {
    ...m,
    sessionsCompleted: r.completed,
    sessionsFailed: r.failed,
    errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
    errorKinds: r.errors,
    ackP99Ms: r.ackP99Ms,
  };
}

const runTool = (tool: Tool, rate: number, seconds: number, server: ServerHandle): Promise<Outcome> =>
  tool === 'lean engine alone' || tool === 'socket.io-client script'
    ? runEngineAlone(rate, seconds, server, tool === 'socket.io-client script')
    : tool === 'artillery' || tool === 'artillery flat-ramp'
      ? runArtillery(rate, seconds, server, tool === 'artillery flat-ramp')
      : runRtbench(tool === 'rtbench socket.io' ? 'socket.io' : 'socket.io-lean', rate, seconds, server);

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// ---- main ------------------------------------------------------------------------------------------

const started = performance.now();
const loadBefore = os.loadavg();
const server = await startReferenceServer({ topology: 'single' });
process.stderr.write(`reference server (single) pid ${server.pid} on ${server.url}; ${RATE} sessions/s for ${SECONDS} s per tool, ${ROUNDS} round(s)\n`);
const rounds: Record<Tool, Outcome[]> = {
  'rtbench socket.io': [],
  'rtbench socket.io-lean': [],
  artillery: [],
  'artillery flat-ramp': [],
  'lean engine alone': [],
  'socket.io-client script': [],
};
if (BUILT) {
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) throw new Error(`npm run build failed (exit ${b.status}): rtbench runs from dist/ here (RTBENCH_BENCH_BUILT=0 runs the sources)`);
}
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = TOOLS.map((_, i) => TOOLS[(i + r) % TOOLS.length]!); // rotate the order between rounds
    for (const tool of order) {
      const o = await runTool(tool, RATE, SECONDS, server);
      rounds[tool].push(o);
      process.stderr.write(
        `  round ${r + 1} ${tool}: steady ${o.steady ? `${o.steady.cpuUsPerSession.toFixed(0)} µs/session over ${o.steady.sessions} sessions` : '-'}; total ${o.cpuS.toFixed(2)} s CPU (live max ${o.sampledMaxS.toFixed(2)}), ${o.sessionsCompleted} completed, ${o.sessionsFailed} failed, ${o.errors} errors, ${o.wallS.toFixed(1)} s, exit ${o.exitCode}${o.note ? `, ${o.note}` : ''}\n`,
      );
    }
  }
} finally {
  await server.stop();
}

interface ToolSummary {
  /** steady-state generator CPU µs per session (median over rounds): the headline */
  cpuUsPerSession: number;
  /** of which the tool's main process (rtbench: the coordinator; the rest is its generator process) */
  mainProcessCpuUsPerSession: number;
  /** all CPU of the tool's life (start-up and shutdown included) / sessions completed */
  totalCpuUsPerSession: number;
  startupCpuS: number | null;
  serverCpuUsPerSession: number;
  sessionsScheduled: number;
  sessionsCompleted: number;
  sessionsFailed: number;
  errors: number;
  errorKinds: Record<string, number>;
  ackP99Ms: number | null;
  accountingOk: boolean;
  notes: string[];
}
const summary = Object.fromEntries(
  TOOLS.map((tool): [Tool, ToolSummary] => {
    const rs = rounds[tool];
    const last = rs.at(-1)!;
    return [
      tool,
      {
        cpuUsPerSession: median(rs.flatMap((o) => (o.steady ? [o.steady.cpuUsPerSession] : []))),
        mainProcessCpuUsPerSession: median(rs.flatMap((o) => (o.steady ? [o.steady.mainProcessCpuUsPerSession] : []))),
        totalCpuUsPerSession: median(rs.map((o) => (o.cpuS / Math.max(1, o.sessionsCompleted)) * 1e6)),
        startupCpuS: last.startupCpuS,
        serverCpuUsPerSession: median(rs.flatMap((o) => (o.steady ? [o.steady.serverCpuUsPerSession] : []))),
        sessionsScheduled: RATE * SECONDS * ROUNDS,
        sessionsCompleted: rs.reduce((a, o) => a + o.sessionsCompleted, 0),
        sessionsFailed: rs.reduce((a, o) => a + o.sessionsFailed, 0),
        errors: rs.reduce((a, o) => a + o.errors, 0),
        errorKinds: last.errorKinds,
        ackP99Ms: last.ackP99Ms,
        accountingOk: rs.every((o) => o.cpuS >= o.sampledMaxS * 0.98),
        notes: [
          ...new Set(rs.flatMap((o) => [...(o.note && !o.saturated ? [o.note] : []), ...(o.steady ? [] : ['no steady-state window (too few samples)'])])),
          ...(rs.some((o) => o.saturated)
            ? [
                `rtbench flagged its generator as saturated in ${rs.filter((o) => o.saturated).length} of ${rs.length} rounds (event-loop delay or schedule lag over 50 ms: a busy machine)`,
              ]
            : []),
        ],
      },
    ];
  }),
) as Record<Tool, ToolSummary>;

/** A tool that failed sessions is not flattered: a goal counts as met only when both completed ≥ 99% with no failure. */
const complete = (t: Tool): boolean => summary[t].sessionsFailed === 0 && summary[t].sessionsCompleted >= summary[t].sessionsScheduled * 0.99;
const ratio = (t: Tool, a: Tool): number => summary[t].cpuUsPerSession / summary[a].cpuUsPerSession;
const totalRatio = (t: Tool, a: Tool): number => summary[t].totalCpuUsPerSession / summary[a].totalCpuUsPerSession;
/** Checked against Artillery's flat ramp (no busy-wait); the plain arrivalRate phase alongside. */
const goal = (t: Tool) => ({
  value: ratio(t, 'artillery flat-ramp'),
  goal: '<= 1/3',
  met: ratio(t, 'artillery flat-ramp') <= 1 / 3 && complete(t) && complete('artillery flat-ramp'),
  totalCpuRatio: totalRatio(t, 'artillery flat-ramp'),
  againstArrivalRatePhase: ratio(t, 'artillery'),
  totalCpuRatioAgainstArrivalRatePhase: totalRatio(t, 'artillery'),
});
const withArtillery = TOOLS.includes('artillery flat-ramp');
/**
 * Issue 19's CPU goals: the default engine's whole run (start-up included) ≤ 1.25× the plain
 * socket.io-client script's; the harness over the bare engine (socket.io-lean, steady state) ≤ 1.10.
 */
const goals = {
  ...(withArtillery
    ? { cpuPerSessionRtbenchSocketIoOverArtillery: goal('rtbench socket.io'), cpuPerSessionRtbenchLeanOverArtillery: goal('rtbench socket.io-lean') }
    : {}),
  totalCpuRtbenchSocketIoOverSocketIoClientScript: {
    value: totalRatio('rtbench socket.io', 'socket.io-client script'),
    goal: '<= 1.25',
    met: totalRatio('rtbench socket.io', 'socket.io-client script') <= 1.25 && complete('rtbench socket.io') && complete('socket.io-client script'),
    steadyRatio: ratio('rtbench socket.io', 'socket.io-client script'),
  },
  cpuPerSessionRtbenchLeanOverLeanEngineAlone: {
    value: ratio('rtbench socket.io-lean', 'lean engine alone'),
    goal: '<= 1.10',
    met: ratio('rtbench socket.io-lean', 'lean engine alone') <= 1.1 && complete('rtbench socket.io-lean') && complete('lean engine alone'),
    totalCpuRatio: totalRatio('rtbench socket.io-lean', 'lean engine alone'),
  },
};

const pad = (s: string, n: number): string => s.padStart(n);
const num = (x: number | null, d = 0): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const lines = [
  '',
  `generator CPU per session (connect + ${ECHOES} acked echoes + disconnect), ${RATE}/s for ${SECONDS} s, reference server single, 127.0.0.1`,
  `${'tool'.padEnd(24)}${pad('µs/session', 12)}${pad('total µs', 10)}${pad('startup s', 11)}${pad('completed', 11)}${pad('failed', 8)}${pad('errors', 8)}${pad('ack p99', 9)}${pad('server µs', 11)}`,
  ...TOOLS.map((t) => {
    const s = summary[t];
    return `${t.padEnd(24)}${pad(num(s.cpuUsPerSession), 12)}${pad(num(s.totalCpuUsPerSession), 10)}${pad(num(s.startupCpuS, 2), 11)}${pad(String(s.sessionsCompleted), 11)}${pad(String(s.sessionsFailed), 8)}${pad(String(s.errors), 8)}${pad(num(s.ackP99Ms, 1), 9)}${pad(num(s.serverCpuUsPerSession), 11)}`;
  }),
  '',
  `rtbench: of the µs/session, the coordinator process used ${num(summary['rtbench socket.io'].mainProcessCpuUsPerSession)} (socket.io) and ${num(summary['rtbench socket.io-lean'].mainProcessCpuUsPerSession)} (socket.io-lean), the generator process the rest`,
  `the socket.io-lean engine alone (no harness) used ${num(summary['lean engine alone'].cpuUsPerSession)} µs/session: rtbench's harness adds ${num(summary['rtbench socket.io-lean'].cpuUsPerSession - summary['lean engine alone'].cpuUsPerSession)} µs/session on top of it`,
  `rtbench socket.io / socket.io-client script, total CPU with start-up: ${num(goals.totalCpuRtbenchSocketIoOverSocketIoClientScript.value, 3)} (goal ≤ 1.25: ${goals.totalCpuRtbenchSocketIoOverSocketIoClientScript.met ? 'met' : 'NOT met'}); steady state ${num(goals.totalCpuRtbenchSocketIoOverSocketIoClientScript.steadyRatio, 3)}`,
  `rtbench socket.io-lean / lean engine alone, steady CPU per session: ${num(goals.cpuPerSessionRtbenchLeanOverLeanEngineAlone.value, 3)} (goal ≤ 1.10: ${goals.cpuPerSessionRtbenchLeanOverLeanEngineAlone.met ? 'met' : 'NOT met'}); with start-up ${num(goals.cpuPerSessionRtbenchLeanOverLeanEngineAlone.totalCpuRatio, 3)}`,
  ...(withArtillery ? (['rtbench socket.io', 'rtbench socket.io-lean'] as const) : []).map((t) => {
    const g = (t === 'rtbench socket.io' ? goals.cpuPerSessionRtbenchSocketIoOverArtillery : goals.cpuPerSessionRtbenchLeanOverArtillery)!;
    return `${`${t} / artillery flat-ramp:`.padEnd(40)}${num(g.value, 3)} (goal ≤ 1/3: ${g.met ? 'met' : 'NOT met'}); with start-up ${num(g.totalCpuRatio, 3)}; against the plain arrivalRate phase ${num(g.againstArrivalRatePhase, 3)}`;
  }),
  "µs/session: generator CPU (user + system, whole process tree) while 10%→90% of the sessions connected; total: all CPU of the tool's life / sessions",
  ...TOOLS.filter((t) => !summary[t].accountingOk).map((t) => `WARNING ${t}: a descendant process escaped the CPU accounting (total below a live sample)`),
  ...TOOLS.filter((t) => !complete(t)).map(
    (t) =>
      `WARNING ${t}: not every session completed (${summary[t].sessionsCompleted} of ${summary[t].sessionsScheduled}, ${summary[t].sessionsFailed} failed; errors ${JSON.stringify(summary[t].errorKinds)})`,
  ),
  ...TOOLS.filter((t) => summary[t].notes.length).map((t) => `note ${t}: ${summary[t].notes.join('; ')}`),
  `${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore[0]!.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)} on ${os.availableParallelism()} cores`,
  '',
];
process.stdout.write(lines.join('\n'));

const outFile = join(here, 'results', 'artillery.json');
mkdirSync(dirname(outFile), { recursive: true });
const artilleryVersion = withArtillery
  ? (JSON.parse(readFileSync(join(here, '.artillery', 'node_modules', 'artillery', 'package.json'), 'utf8')) as { version: string }).version
  : 'not run';
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      schema: 'rtbench.bench.artillery/v1',
      date: new Date().toISOString(),
      command: 'node --import tsx bench/artillery.ts',
      rtbenchFrom: BUILT ? 'dist/ (compiled, as installed)' : 'TypeScript sources through tsx',
      environment: environment(loadBefore),
      config: {
        rate: RATE,
        seconds: SECONDS,
        rounds: ROUNDS,
        echoesPerSession: ECHOES,
        artilleryVersion,
        server: 'reference single topology, separate process, 127.0.0.1',
        transports: ['websocket'],
      },
      summary,
      goals,
      runs: Object.fromEntries(TOOLS.map((t) => [t, rounds[t].map(({ log: _log, ...o }) => o)])),
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`results: ${outFile}\n`);
