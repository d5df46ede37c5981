import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir, outputWriteError } from './output-paths.ts';

/**
 * Write a file atomically: a temp file beside it, then rename, so readers never see half a file.
 * A failure (full disk, a folder gone) removes the temp file and throws `E_OUTPUT` (exit 1) naming
 * the path and the fix; no stack trace reaches the user.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await ensureDir(dirname(path));
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw outputWriteError(path, e);
  }
}
