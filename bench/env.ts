import os from 'node:os';

/** A whole-number setting from the environment, `def` when unset; anything else outside [min, max] throws, naming the variable. */
export function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? def : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${raw})`);
  return v;
}

/** The machine a results file was measured on, with the load average before and after the run. */
export function environment(loadBefore: number[]): {
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  loadAverage: { before: number[]; after: number[] };
} {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    loadAverage: { before: loadBefore, after: os.loadavg() },
  };
}
