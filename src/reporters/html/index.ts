import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/atomic-write.ts';
import type { Reporter } from '../../run/reporter.ts';
import { renderHtml } from './render.ts';

/** Writes `<out>/report.html` for every run. */
export function htmlReporter(onWritten: (path: string) => void = () => {}): Reporter {
  return {
    name: 'html',
    async onEnd(file, { outDir }) {
      const path = join(outDir, 'report.html');
      await writeFileAtomic(path, renderHtml([file]));
      onWritten(path);
    },
  };
}
