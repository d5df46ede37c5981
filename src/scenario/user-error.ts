import { findSourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../shared/package-root.ts';

/** A user error's message plus the user's own stack frame (its file and line; see `userFrame`). */
export function describeUserError(e: unknown, file: string): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  const frame = userFrame(e instanceof Error ? (e.stack ?? '') : '', file);
  return frame ? `${msg} (${frame})` : msg;
}

/** rtbench's own code: a frame in it is never the user's line. */
const RTBENCH_CODE = ['src', 'dist', 'reference-server', 'bin'].map((d) => join(PACKAGE_ROOT, d, '/'));

/**
 * The frame to show for an error the user's code threw: the first frame in the user's own files
 * (the scenario or a local helper it imports or requires; not a package, not Node, not rtbench),
 * else the first on the scenario file. Null when there is none.
 */
export function userFrame(stack: string, file: string): string | null {
  const frames = stack.split('\n').filter((l) => /^\s*at /.test(l));
  const own = (l: string): boolean =>
    /(file:\/\/|\()\//.test(l) && !l.includes('/node_modules/') && !/\(node:|at node:/.test(l) && !RTBENCH_CODE.some((p) => l.includes(p));
  const base = file.split('/').pop() ?? file;
  const frame = frames.find(own) ?? frames.find((l) => l.includes(base));
  return frame ? originalFrame(frame.trim().replace(/^at /, '')) : null;
}

/**
 * A stack frame on the scenario's own file and line. Scenario files load with their types stripped
 * and every line in place (src/scenario/ts-hooks.ts), so their frames already read the scenario's
 * lines and are left as they are; a frame of a module with a source map (e.g. compiled by another
 * loader) is mapped through it.
 */
export function originalFrame(frame: string): string {
  // a scenario imported again in one process (src/scenario/compile.ts) is the same file
  const shown = frame.replace(/\?rtbench-load=\d+/g, '').replace(/(file:\/\/\/[^\s()]+?):(\d+):(\d+)/, (whole, url: string, line: string, col: string) => {
    const entry = findSourceMap(url)?.findEntry(Number(line) - 1, Number(col) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    // no source map (the usual case): the frame's own line, shown as a path, as users type it
    if (entry?.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined)
      return `${fileURLToPath(url)}:${line}:${col}`;
    const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
  // what is left of a query on the path: tsx on Node 22+ loads a CommonJS .ts file imported again as
  // `again.ts%3Frtbench-load=2?rtbench-load=2&tsx-commonjs-virtual-query=1`
  return shown.replace(/\?(?:[\w.-]+=[^\s&():?]*&?)+(?=:\d+:\d+)/g, '');
}
