import { join } from 'node:path';
import type { RunFile } from '../result/types.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Reporter } from '../run/reporter.ts';
import { redactDeep } from './html/data.ts';

/** Writes `<out>/result.json` (schema `rtbench.result/v1`), atomically, with credentials and tokens in URLs redacted. */
export function jsonReporter(onWritten: (path: string) => void = () => {}): Reporter {
  return {
    name: 'json',
    async onEnd(file: RunFile, { outDir }) {
      const path = join(outDir, 'result.json');
      await writeFileAtomic(path, `${JSON.stringify(redactDeep(file), null, 2)}\n`);
      onWritten(path);
    },
  };
}
