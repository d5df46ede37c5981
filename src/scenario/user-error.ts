/** A user error's message plus the first stack frame inside the scenario file (its file and line). */
export function describeUserError(e: unknown, file: string): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  const stack = e instanceof Error ? e.stack ?? '' : '';
  const base = file.split('/').pop() ?? file;
  const frame = stack.split('\n').find((l) => l.includes(base));
  return frame ? `${msg} (${frame.trim().replace(/^at /, '')})` : msg;
}
