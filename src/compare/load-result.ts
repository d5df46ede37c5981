import { readFile } from 'node:fs/promises';
import { InputError } from '../shared/errors.ts';
import type { RunFile } from '../result/types.ts';
import { decode } from '../metrics/histogram.ts';
import { resultProblems } from './result-schema.ts';

const HINT = 'pass a result.json written by `rtbench run` (or restore the field from the original file)';
/** Problems listed at most; the rest are counted. */
const MAX_LISTED = 12;

/** Histograms that pass the schema's base64 check but do not decode (a hand-edited or truncated one). */
function histogramProblems(file: RunFile): string[] {
  const out: string[] = [];
  const check = (where: string, runs: readonly RunFile['runs'][number][]): void => {
    runs.forEach((r, i) => {
      for (const [name, m] of Object.entries(r.metrics)) {
        if (!m.hdr) continue;
        try {
          decode(m.hdr);
        } catch (e) {
          out.push(
            `${where}[${i}].metrics${/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}.hdr: is not a readable HDR histogram (${(e as Error).message})`,
          );
        }
      }
    });
  };
  check('runs', file.runs);
  file.search?.forEach((s, i) =>
    check(
      `search[${i}].steps`,
      s.steps.map((st) => st.result),
    ),
  );
  return out;
}

/**
 * Check parsed JSON as a result file (src/compare/result-schema.ts): every problem named by its
 * field, `E_RESULT_FILE` (exit 2). `source` names the file in the message.
 */
export function checkResult(data: unknown, source: string): RunFile {
  const problems = resultProblems(data);
  if (problems.length === 0) problems.push(...histogramProblems(data as RunFile));
  if (problems.length) {
    const listed = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED) listed.push(`… and ${problems.length - MAX_LISTED} more`);
    throw new InputError('E_RESULT_FILE', `${source} is not a valid rtbench result (${problems.length} problem${problems.length > 1 ? 's' : ''})`, {
      details: listed,
      hint: HINT,
    });
  }
  return data as RunFile;
}

/** Read a result.json and check it against the schema; errors name the file, each field, and the fix. */
export async function loadResult(path: string): Promise<RunFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError('E_USAGE', code === 'ENOENT' ? `result file not found: ${path}` : `result file ${path} cannot be read (${code ?? String(e)})`, {
      hint: 'pass a result.json written by `rtbench run`',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError('E_RESULT_FILE', `${path} is not JSON: ${(e as Error).message}`, { hint: HINT });
  }
  return checkResult(data, path);
}
