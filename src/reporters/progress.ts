import { formatDuration } from '../scenario/duration.ts';
import type { Output, ProgressTick, Reporter, RunStartInfo } from './types.ts';

function line(t: ProgressTick): string {
  const p99 = t.ackP99 === null ? '-' : `${t.ackP99.toFixed(1)}ms`;
  return `${formatDuration(t.elapsedMs)}/${formatDuration(t.totalMs)}  connected ${t.connected}  msgs/s ${t.msgsPerSec}  ack p99 ${p99}  errors ${t.errors}`;
}

/**
 * Live progress: one rewritten line on a TTY, plain lines every `plainEverySec` seconds otherwise
 * (CI logs stay readable).
 */
export function progressReporter(out: Output, plainEverySec = 5): Reporter {
  let lastPlain = -Infinity;
  let dirty = false;
  return {
    name: 'progress',
    onRunStart(info: RunStartInfo) {
      lastPlain = -Infinity;
      if (dirty) out.write('\n');
      dirty = false;
      out.write(
        `rtbench: ${info.scenario} → ${info.topology}${info.round ? ` round ${info.round.index + 1}/${info.round.of}` : ''} (${info.target}) engine ${info.engine}, ${formatDuration(info.totalMs)}, ` +
          `${info.generators} generator${info.generators > 1 ? 's' : ''}, ${info.sourceIps} source address${info.sourceIps > 1 ? 'es' : ''}\n`,
      );
    },
    onTick(t: ProgressTick) {
      if (out.isTTY) {
        out.write(`\r\x1b[2K${line(t)}`);
        dirty = true;
      } else if (t.elapsedMs / 1000 - lastPlain >= plainEverySec) {
        lastPlain = t.elapsedMs / 1000;
        out.write(`  ${line(t)}\n`);
      }
    },
    onRunEnd() {
      if (dirty) out.write('\n');
      dirty = false;
    },
  };
}
