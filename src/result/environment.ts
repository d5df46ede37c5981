import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import type { Environment } from './types.ts';

async function gitSha(cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 2000 }, (err, stdout) => resolve(err ? null : stdout.trim() || null));
  });
}

/** rtbench's own version, from its package.json. */
export async function rtbenchVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The context every result records: versions, CPU, memory, git SHA of the working directory. */
export async function environment(cwd = process.cwd()): Promise<Environment> {
  const cpus = os.cpus();
  return {
    rtbench: await rtbenchVersion(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: { model: cpus[0]?.model ?? 'unknown', count: os.availableParallelism() },
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    hostname: os.hostname(),
    gitSha: await gitSha(cwd),
  };
}
