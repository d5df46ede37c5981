/**
 * Shard results through pod logs: `rtbench run --print-result-line` ends its stdout with one line
 * `RTBENCH_RESULT <base64 of the gzipped result JSON>`; `rtbench collect` finds those lines in
 * logs (also with `kubectl logs --prefix` or `--timestamps` text before them) and decodes them.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '../shared/errors.ts';
import { RESULT_SCHEMA, type RunFile } from '../result/types.ts';

export const RESULT_LINE_MARK = 'RTBENCH_RESULT ';

/** The one line (no newline) that carries a result. */
export function encodeResultLine(file: RunFile): string {
  return `${RESULT_LINE_MARK}${gzipSync(Buffer.from(JSON.stringify(file)), { level: 9 }).toString('base64')}`;
}

/** Decode the payload of one result line (the text after the mark). */
export function decodeResultPayload(payload: string, where: string): RunFile {
  let data: unknown;
  try {
    data = JSON.parse(gunzipSync(Buffer.from(payload.trim(), 'base64')).toString('utf8'));
  } catch (e) {
    throw new InputError('E_RESULT_LINE', `${where}: the RTBENCH_RESULT line does not decode (${(e as Error).message})`, {
      hint: 'the line may have been cut; take the logs with `kubectl logs` (it joins long lines) rather than from a UI that wraps them',
    });
  }
  const f = data as Partial<RunFile>;
  if (f.schema !== RESULT_SCHEMA || !Array.isArray(f.runs)) {
    throw new InputError('E_RESULT_LINE', `${where}: the RTBENCH_RESULT line holds no rtbench result (schema ${JSON.stringify(f.schema)})`, {
      hint: 'pass logs of `rtbench run --print-result-line`',
    });
  }
  return f as RunFile;
}

/** Every result line in a text, with the line number it was on. */
export function extractResultLines(text: string, source: string): Array<{ file: RunFile; where: string }> {
  const out: Array<{ file: RunFile; where: string }> = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const at = line.indexOf(RESULT_LINE_MARK);
    if (at < 0) return;
    const where = `${source}:${i + 1}`;
    out.push({ file: decodeResultPayload(line.slice(at + RESULT_LINE_MARK.length), where), where });
  });
  return out;
}
