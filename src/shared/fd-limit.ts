import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The open-file limit a generator process can be given. A process may raise its soft limit to its
 * hard one (Node does at start-up); only root (CAP_SYS_RESOURCE) may lift the hard limit, up to the
 * kernel's `fs.nr_open`. Node has no `setrlimit`, so the lift is `prlimit --pid` (util-linux) on each
 * generator right after it is forked, before it opens a socket. Returns the limit generators get
 * (`fs.nr_open`), or null when it cannot be lifted here (not root, not Linux, no `prlimit`, or
 * `RTBENCH_FD_LIFT=0`): then the plan keeps `ulimit -Hn` and sizes more generators.
 */
export function liftableFdLimit(): number | null {
  if (process.env.RTBENCH_FD_LIFT === '0' || process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  let nrOpen: number;
  try {
    nrOpen = Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(nrOpen) || nrOpen <= 0) return null;
  // prlimit present and the capability held: lift this process's own hard limit (its soft one unchanged)
  const probe = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=:${nrOpen}`], { encoding: 'utf8', timeout: 5000 });
  return probe.status === 0 ? nrOpen : null;
}

/** Lift the open-file limit (soft and hard) of process `pid` to `limit`; false when `prlimit` refused. */
export function liftFdLimit(pid: number, limit: number): boolean {
  const r = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limit}`], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0;
}
