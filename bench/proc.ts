/** /proc readings the benchmarks share (Linux): resident memory and the children of a process. */
import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS of a process in MB, or 0 when it is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Direct children of `ppid`. */
export function children(ppid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    });
}

/** A process and all its descendants. */
export const tree = (pid: number): number[] => [pid, ...children(pid).flatMap(tree)];

/** Summed RSS of processes, MB. */
export const totalRssMb = (pids: number[]): number => pids.reduce((a, p) => a + rssMb(p), 0);
