import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A user error's message plus the first stack frame inside the scenario file (its file and line). */
export function describeUserError(e: unknown, file: string): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  const stack = e instanceof Error ? e.stack ?? '' : '';
  const base = file.split('/').pop() ?? file;
  const frame = stack.split('\n').find((l) => l.includes(base));
  return frame ? `${msg} (${originalFrame(frame.trim().replace(/^at /, ''))})` : msg;
}

/**
 * A stack frame on the scenario's own file and line. Scenario files load with their types stripped
 * and every line in place (src/scenario/ts-hooks.ts), so their frames already read the scenario's
 * lines and are left as they are; a frame of a module with a source map (e.g. compiled by another
 * loader) is mapped through it.
 */
export function originalFrame(frame: string): string {
  // a scenario imported again in one process (src/scenario/compile.ts) is the same file
  return frame.replace(/\?rtbench-load=\d+/g, '').replace(/(file:\/\/\/[^\s()]+?):(\d+):(\d+)/, (whole, url: string, line: string, col: string) => {
    const entry = findSourceMap(url)?.findEntry(Number(line) - 1, Number(col) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    // no source map (the usual case): the frame's own line, shown as a path, as users type it
    if (entry?.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return `${fileURLToPath(url)}:${line}:${col}`;
    const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
