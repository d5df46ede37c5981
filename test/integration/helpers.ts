import type { Output } from '../../src/run/reporter.ts';

/** An Output that keeps what was written. */
export function memOutput(): Output & { text: () => string } {
  const chunks: string[] = [];
  return { write: (t: string) => void chunks.push(t), isTTY: false, text: () => chunks.join('') };
}

/** True when a process with this PID is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
