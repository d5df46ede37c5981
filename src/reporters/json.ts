import { join } from 'node:path';
import type { RunFile } from '../result.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Reporter } from './types.ts';

/** Writes `<out>/result.json` (schema `rtbench.result/v1`), atomically. */
export function jsonReporter(onWritten: (path: string) => void = () => {}): Reporter {
  return {
    name: 'json',
    async onEnd(file: RunFile, { outDir }) {
      const path = join(outDir, 'result.json');
      await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
      onWritten(path);
    },
  };
}
