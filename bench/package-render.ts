/** The `package` benchmark's figures and BENCHMARKS.md section (bench/package.ts writes the results). */
import type { Figure } from './types.ts';

interface Install {
  bytes: number;
  /** On disk (`du -sk`); absent in results from before it was measured. */
  diskBytes?: number;
  packages: number;
  installScriptWarnings: string[];
}

export interface PackageResult {
  date: string;
  environment: { loadAverage: { before: number[]; after: number[] } };
  config: { rounds: number };
  tarball: { files: number; bytes: number; unpackedBytes: number };
  installPlain: Install;
  installPlainThenSocketIo: Install;
  installWithOptional: Install;
  startup: { nodeMs: number; helpMs: number; firstConnectionMs: number; helpOverNode: number; firstConnectionOverNode: number };
  goals: Record<'installMb' | 'thenSocketIoMb' | 'installScriptWarnings' | 'helpS' | 'firstConnectionS', { value: number; goal: number; met: boolean }>;
}

type PackageFigure = Figure;

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
/** An install's size: its files' bytes, and what it takes on disk (whole blocks, folders) when measured. */
const size = (i: Install): string => `${mb(i.bytes)}${i.diskBytes ? ` of files (${mb(i.diskBytes)} on disk)` : ''}`;
const warnings = (r: PackageResult): string =>
  [...r.installPlain.installScriptWarnings, ...r.installPlainThenSocketIo.installScriptWarnings].join(', ') || 'none';

export function packageFigures(r: PackageResult | null): PackageFigure[] {
  // a result from before the optional peers (measured with --omit=optional) has none of these figures
  if (!r?.installPlainThenSocketIo) return [];
  const fig = (figure: string, value: string, goal: string, met: boolean | undefined): PackageFigure => ({
    bench: 'package',
    figure,
    value: r ? value : '-',
    goal,
    met: r ? (met ?? null) : null,
    ...(r ? { date: r.date } : {}),
  });
  const g = r?.goals;
  const s = r?.startup;
  return [
    fig('npm install of the tarball (plain)', `${size(r.installPlain)}, ${r.installPlain.packages} packages`, '< 40 MB', g?.installMb.met),
    fig('then npm install socket.io', `${size(r.installPlainThenSocketIo)}, ${r.installPlainThenSocketIo.packages} packages`, '< 45 MB', g?.thenSocketIoMb.met),
    fig('install-script warnings (plain, then socket.io)', warnings(r), 'none', g?.installScriptWarnings.met),
    fig('rtbench --help (÷ node -e 0)', s ? `${(s.helpMs / 1000).toFixed(2)} s (${s.helpOverNode.toFixed(2)}×)` : '', '< 0.3 s', g?.helpS.met),
    fig(
      'rtbench run: start → first connection (÷ node -e 0)',
      s ? `${(s.firstConnectionMs / 1000).toFixed(2)} s (${s.firstConnectionOverNode.toFixed(1)}×)` : '',
      '< 1.5 s',
      g?.firstConnectionS.met,
    ),
  ];
}

export function packageSection(r: PackageResult, day: string, load: string): string {
  const s = r.startup;
  return `## Package: install size and start-up

\`npm run bench -- --only package\` (bench/package.ts), ${day}; load average ${load}. \`npm pack\`, then the
tarball installed into a fresh CommonJS project (\`npm init -y\` shape) with a plain \`npm install --prefer-offline\`,
then \`npm install socket.io\` there; and into another with the optional peers named. Times are medians of ${r.config.rounds} interleaved rounds, each
command spawned the same way as \`node -e 0\` (its start-up is the unit of the ratios).

| figure | measured | goal |
| --- | --- | --- |
| tarball | ${r.tarball.files} files, ${mb(r.tarball.bytes)} packed, ${mb(r.tarball.unpackedBytes)} unpacked | only bin/, dist/, README |
| install (plain \`npm install\` of the tarball) | ${size(r.installPlain)}, ${r.installPlain.packages} packages | < 40 MB: ${r.goals.installMb.met ? 'met' : 'not met'} |
| then \`npm install socket.io\` | ${size(r.installPlainThenSocketIo)}, ${r.installPlainThenSocketIo.packages} packages | < 45 MB: ${r.goals.thenSocketIoMb.met ? 'met' : 'not met'} |
| install with the optional peers added | ${size(r.installWithOptional)}, ${r.installWithOptional.packages} packages | – |
| install-script warnings (plain, then socket.io) | ${warnings(r)} | none: ${r.goals.installScriptWarnings.met ? 'met' : 'not met'} |
| \`node -e 0\` | ${s.nodeMs.toFixed(0)} ms | – |
| \`rtbench --help\` | ${s.helpMs.toFixed(0)} ms (${s.helpOverNode.toFixed(2)}× node) | < 0.3 s: ${r.goals.helpS.met ? 'met' : 'not met'} |
| \`rtbench run\` → first connection | ${s.firstConnectionMs.toFixed(0)} ms (${s.firstConnectionOverNode.toFixed(1)}× node) | < 1.5 s: ${r.goals.firstConnectionS.met ? 'met' : 'not met'} |

- Sizes: MB are 2^20 bytes. "of files" is the bytes of the files in node_modules (what the goals are on);
  "on disk" is \`du -sk node_modules\` (whole 4 KiB blocks, folders included: about half as much again for
  ~2,700 small files), the figure a \`du -sh\` shows.
- First connection: \`rtbench run scenario.ts --target URL --generators 1\` against a socket.io server in the
  benchmark's process, from the spawn to that server's first \`connection\` event. On the way: the CLI's
  modules; the scenario's types stripped by sucrase (module hooks) in the CLI while the first generator
  process, forked as the run begins, loads the same scenario and only its engine; the target probe; and
  the generators' common start (100 ms ahead for one generator, 250 ms for several or with shards).
- The optional parts are optional peer dependencies: npm installs them only when asked, and a later
  plain \`npm install\` of anything else does not bring them back (it would, were they
  \`optionalDependencies\`: npm does not remember \`--omit=optional\`).
- Without the optional packages nothing in the install has an install script (the scenario loader is
  sucrase, plain JavaScript; esbuild and its \`postinstall\` are gone from the dependencies).
`;
}
