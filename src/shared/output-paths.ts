/**
 * Output paths: folders made with a bounded, non-recursive walk (Node 20's recursive `mkdir` never
 * settles under /proc), probed for writing before a run's first connection, and every failure
 * turned into an `E_OUTPUT` error that names the path and says the fix.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, RunError, type RtbenchError } from './errors.ts';

/** How long making one folder (with its parents) may take: a hung network mount fails in seconds, not minutes. */
export const MKDIR_TIMEOUT_MS = 5000;

/** What to do about a failed write or mkdir, by its error code. */
export function outputFix(code: string | undefined, path: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${path} is full (or over quota): free some space, or write elsewhere`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `a part of ${path} is a file, not a folder: choose a path under a folder`;
    case 'EISDIR':
      return `${path} is a folder: name a file in it`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `${path} is not writable here: choose a folder you can write to (e.g. under reports/ or a temp folder)`;
    case 'ENOENT':
      return `folders cannot be created at ${path} (a virtual file system such as /proc?): choose a folder on a disk`;
    case 'ETIMEDOUT':
      return `making the folder did not finish within ${MKDIR_TIMEOUT_MS / 1000}s (a hung network mount?): write to a local disk`;
    default:
      return `check that ${path} can be written, or write elsewhere`;
  }
}

const codeOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms}ms`), { code: 'ETIMEDOUT' })), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** mkdir -p without `recursive`: each level once, so a level that cannot be made fails instead of looping. */
async function mkdirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      const s = await stat(d);
      if (!s.isDirectory()) throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if (codeOf(e) !== 'ENOENT' || dirname(d) === d) throw e;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (e) {
      if (codeOf(e) !== 'EEXIST') throw e;
      if (!(await stat(d)).isDirectory()) throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
    }
  }
}

/** Make `dir` and its parents, within `MKDIR_TIMEOUT_MS`. Throws the file system's error (with its `code`). */
export function ensureDir(dir: string, timeoutMs = MKDIR_TIMEOUT_MS): Promise<void> {
  return withTimeout(mkdirs(dir), timeoutMs, `mkdir ${dir}`);
}

/** One output of a run: the flag that named it and the path. `folder`: the path is a folder (`--out`). */
export interface OutputPath {
  flag: string;
  path: string;
  folder?: boolean;
}

/** Write and remove a small file in `dir` (the same way results are written: a file beside the target). */
async function probeDir(dir: string): Promise<void> {
  const probe = `${dir}/.rtbench-probe-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(probe, 'rtbench write probe\n');
  } finally {
    await unlink(probe).catch(() => {});
  }
}

/**
 * Create every output folder and check each can be written, all at once, before the load: a path
 * that cannot be used is refused now (`E_OUTPUT`, exit 2) with every problem listed.
 */
export async function probeOutputPaths(paths: readonly OutputPath[]): Promise<void> {
  const problems: string[] = [];
  const fixes = new Set<string>();
  for (const p of paths) {
    const dir = p.folder ? p.path : dirname(p.path);
    try {
      if (!p.folder) {
        const s = await stat(p.path).catch((e: unknown) => (codeOf(e) === 'ENOENT' || codeOf(e) === 'ENOTDIR' ? null : Promise.reject(e)));
        if (s?.isDirectory()) throw Object.assign(new Error(`${p.path} is a folder`), { code: 'EISDIR' });
      }
      await ensureDir(dir);
      await withTimeout(probeDir(dir), MKDIR_TIMEOUT_MS, `write in ${dir}`);
    } catch (e) {
      const code = codeOf(e);
      const msg = e instanceof Error ? e.message : String(e);
      problems.push(`\`${p.flag} ${p.path}\`: ${code && !msg.startsWith(code) ? `${code}: ` : ''}${msg}`);
      fixes.add(outputFix(code, p.path));
    }
  }
  if (problems.length) {
    throw new InputError(
      'E_OUTPUT',
      `${problems.length === 1 ? 'an output path' : `${problems.length} output paths`} cannot be written (checked before the load started)`,
      {
        details: problems,
        hint: [...fixes].join('; '),
      },
    );
  }
}

/** A write that failed after the load: names the path and the fix; the run exits 1. */
export function outputWriteError(path: string, e: unknown): RtbenchError {
  if (e instanceof RunError || e instanceof InputError) return e;
  const code = codeOf(e);
  return new RunError('E_OUTPUT', `could not write ${path}: ${code ?? 'error'}${code ? '' : `: ${String(e)}`}`, { hint: outputFix(code, path), cause: e });
}
