import { join } from 'node:path';
import type { RunFile } from '../result/types.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import type { Reporter } from '../run/reporter.ts';
import { redactDeep, showQueryNames } from '../util/redact.ts';

/** Writes `<out>/result.json` (schema `rtbench.result/v1`), atomically, with credentials and every query value in URLs redacted (but those the file's `showQuery` names). */
export function jsonReporter(onWritten: (path: string) => void = () => {}): Reporter {
  return {
    name: 'json',
    async onEnd(file: RunFile, { outDir }) {
      const path = join(outDir, 'result.json');
      await writeFileAtomic(path, `${JSON.stringify(redactDeep(file, showQueryNames(file.showQuery)), null, 2)}\n`);
      onWritten(path);
    },
  };
}
