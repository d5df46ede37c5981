/**
 * How much of the machine other work took while a search ran (Linux /proc). The load average
 * cannot say: while a search runs, this benchmark's own generator and server processes are
 * runnable too (on 2 cores they alone hold it near 2-4). So the share of the machine's CPU time
 * that other processes used = all CPU time spent (/proc/stat) minus what this process and its
 * descendants spent (their own time, plus the time of the children they have reaped, which is
 * how a step's finished generator and server processes are counted).
 */
import { readFileSync } from 'node:fs';
import { children } from '../proc.ts';

/** Clock ticks of the whole machine: busy (user, nice, system, irq, softirq, steal) and all. */
function machineTicks(): { busy: number; all: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, all: busy + idle + iowait };
}

/** Clock ticks spent by `pid` and its descendants: alive ones read live, finished ones through their parents' reaped-children times. */
function treeTicks(pid: number): number {
  let own = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 after the command
    own = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  } catch {
    return 0; // gone meanwhile: its parent's reaped-children time has it
  }
  return own + children(pid).reduce((a, c) => a + treeTicks(c), 0);
}

/** A reading to measure from. */
export interface CpuMark {
  busy: number;
  all: number;
  ours: number;
}

export function cpuMark(): CpuMark {
  return { ...machineTicks(), ours: treeTicks(process.pid) };
}

/** What the machine's CPU did between two marks: shares of all its CPU time (0-1), and cores' worth of other work. */
export function cpuSince(m: CpuMark, cores: number): { busy: number; ours: number; others: number; otherCores: number } {
  const now = cpuMark();
  const all = Math.max(1, now.all - m.all);
  const busy = (now.busy - m.busy) / all;
  const ours = Math.min(busy, (now.ours - m.ours) / all);
  const others = Math.max(0, busy - ours);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return { busy: r3(busy), ours: r3(ours), others: r3(others), otherCores: Math.round(others * cores * 100) / 100 };
}
