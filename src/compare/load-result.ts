import { readFile } from 'node:fs/promises';
import { InputError } from '../shared/errors.ts';
import { RESULT_SCHEMA, type RunFile } from '../result/types.ts';

/** Read a result.json, checking its schema; errors name the file and the fix. */
export async function loadResult(path: string): Promise<RunFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError('E_USAGE', `result file not found: ${path}`, { hint: 'pass a result.json written by `rtbench run`' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError('E_USAGE', `${path} is not JSON: ${(e as Error).message}`, { hint: 'pass a result.json written by `rtbench run`' });
  }
  const f = data as Partial<RunFile>;
  if (f.schema !== RESULT_SCHEMA || !Array.isArray(f.runs)) {
    throw new InputError('E_USAGE', `${path} is not an rtbench result (schema ${JSON.stringify(f.schema)}, expected ${RESULT_SCHEMA})`, { hint: 'pass a result.json written by `rtbench run`' });
  }
  return f as RunFile;
}
