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
 * A stack frame of the compiled scenario on the scenario's own file and line. The scenario runs
 * as one bundled module (src/scenario/compile.ts), imported from a temporary file with process
 * source maps on, so Node maps its frames to the scenario's files and lines itself; a frame still
 * in the bundle's lines (source maps turned off again by other code) is mapped here through the
 * module's source map. A frame already on the scenario's own lines is left as it is.
 */
export function originalFrame(frame: string): string {
  return frame.replace(/(file:\/\/\/[^\s()]+?):(\d+):(\d+)/, (whole, url: string, line: string, col: string) => {
    const entry = findSourceMap(url)?.findEntry(Number(line) - 1, Number(col) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return whole;
    const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
