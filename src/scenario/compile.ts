import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { PACKAGE_ROOT } from '../shared/package-root.ts';

/** True when rtbench runs from its TypeScript sources (a clone), false as the installed package. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * Packages stay outside the bundle: each bare import is resolved from the file that imports it
 * (so `rtbench` is the one installed in the scenario's project) and kept as an absolute file URL,
 * loaded by Node as usual. In a clone, `rtbench` is this repository's src/index.ts.
 */
function packagesOutside(): Plugin {
  return {
    name: 'rtbench-packages-outside',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'inner' || args.path.startsWith('node:')) return undefined;
        if (FROM_SOURCES && args.path === 'rtbench') return { path: pathToFileURL(join(PACKAGE_ROOT, 'src/index.ts')).href, external: true };
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (r.errors.length > 0) return { errors: r.errors };
        return r.external ? { path: args.path, external: true } : { path: pathToFileURL(r.path).href, external: true };
      });
    },
  };
}

/**
 * Compile a scenario file and the local files it imports into one ES module (esbuild: types
 * stripped, `.ts`/`.mts`/`.cts`, ES module or CommonJS syntax), packages left outside as absolute
 * URLs, so the module runs from anywhere: no loader hooks. `import.meta.url`, `__dirname` and
 * `require` keep meaning the scenario's own file; an inline source map points at its sources.
 */
export async function compileScenario(abs: string): Promise<string> {
  const esbuild = await import('esbuild');
  const url = pathToFileURL(abs).href;
  // the esbuild service (a child process) stops after the compile: each process compiles once
  const result = await esbuild
    .build({
      entryPoints: [abs],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'external',
      sourcesContent: false,
      outfile: join(dirname(abs), 'scenario.rtbench.js'), // names the output in memory only (write: false)
      logLevel: 'silent',
      plugins: [packagesOutside()],
      define: {
        'import.meta.url': JSON.stringify(url),
        'import.meta.filename': JSON.stringify(abs),
        'import.meta.dirname': JSON.stringify(dirname(abs)),
        __filename: JSON.stringify(abs),
        __dirname: JSON.stringify(dirname(abs)),
      },
    })
    .finally(() => esbuild.stop());
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const map = JSON.parse(result.outputFiles.find((f) => f.path.endsWith('.map'))!.text) as { sources: string[]; mappings: string };
  // CommonJS code calls require(): one from the scenario's own location, on one first line the map skips
  // (unless the scenario declares its own `require`, as ES modules do with createRequire)
  const ownRequire = /\b(?:const|let|var|function)\s+require\b/.test(js);
  const head = ownRequire ? '\n' : `import { createRequire as __rtbenchRequire } from 'node:module'; const require = __rtbenchRequire(${JSON.stringify(url)});\n`;
  map.mappings = `;${map.mappings}`;
  // absolute sources and the scenario's URL as the module's name: stack frames read `file:///…/my.ts:LINE:COL`
  map.sources = map.sources.map((s) => pathToFileURL(resolve(dirname(abs), s)).href);
  return `${head}${js.replace(/\/\/# sourceMappingURL=.*\s*$/, '')}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/**
 * Compile and import a scenario. The module is written to a file of this process's own in the
 * temporary folder (Node applies source maps to files, not to `data:` URLs), imported, and
 * removed: stack traces read `file:///…/my.ts:LINE:COL` on the scenario's own files and lines.
 */
export async function importCompiled(abs: string): Promise<unknown> {
  const code = await compileScenario(abs);
  const dir = await mkdtemp(join(tmpdir(), 'rtbench-scenario-'));
  const file = join(dir, `${basename(abs).replace(/\.[cm]?[tj]s$/, '')}.mjs`);
  try {
    await writeFile(file, code);
    process.setSourceMapsEnabled(true);
    return await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
