// npm run build (also `prepack`): compile src/ and reference-server/ to dist/ with the project's own
// TypeScript (JavaScript + .d.ts), then copy the non-TypeScript files they read at run time
// (e.g. the HTML report's client script) beside the compiled modules.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist');
rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let copied = 0;
for (const dir of ['src', 'reference-server']) {
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = join(entry.parentPath, entry.name);
    cpSync(from, join(out, relative(root, from)));
    copied++;
  }
}
console.log(`rtbench build: dist/ compiled, ${copied} asset file(s) copied`);
