import { dirname, join } from 'node:path';
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
 * stripped, `.ts`/`.mts`/`.cts`, ES module or CommonJS syntax), packages left outside. Returns
 * its source as a `data:` URL to import: no loader hooks, no file written. `import.meta.url`,
 * `__dirname` and `require` keep meaning the scenario's own file; an inline source map keeps
 * stack traces on the scenario's lines.
 */
export async function compileScenario(abs: string): Promise<string> {
  const esbuild = await import('esbuild');
  const url = pathToFileURL(abs).href;
  const result = await esbuild.build({
    entryPoints: [abs],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [packagesOutside()],
    define: {
      'import.meta.url': JSON.stringify(url),
      'import.meta.filename': JSON.stringify(abs),
      'import.meta.dirname': JSON.stringify(dirname(abs)),
      __filename: JSON.stringify(abs),
      __dirname: JSON.stringify(dirname(abs)),
    },
    // CommonJS code calls require(): one from the scenario's own location
    banner: { js: `import { createRequire as __rtbenchRequire } from 'node:module';\nconst require = __rtbenchRequire(${JSON.stringify(url)});` },
  });
  const code = result.outputFiles[0]!.text;
  return `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
}
