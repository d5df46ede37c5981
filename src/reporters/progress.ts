import { formatDuration } from '../scenario/duration.ts';
import type { Output, ProgressTick, Reporter, RunStartInfo } from '../run/reporter.ts';

/** `latency` names the round trip shown: Socket.IO acks, or raw-frame `request()`s (a run that makes requests and no acks). */
function line(t: ProgressTick, latency: 'ack' | 'request'): string {
  const v = latency === 'ack' ? t.ackP99 : t.point?.requestP99 ?? null;
  const p99 = v === null ? '-' : `${v.toFixed(1)}ms`;
  return `${formatDuration(t.elapsedMs)}/${formatDuration(t.totalMs)}  connected ${t.connected}  msgs/s ${t.msgsPerSec}  ${latency} p99 ${p99}  errors ${t.errors}`;
}

/**
 * Live progress: one rewritten line on a TTY, plain lines every `plainEverySec` seconds otherwise
 * (CI logs stay readable).
 */
export function progressReporter(out: Output, plainEverySec = 5): Reporter {
  let lastPlain = -Infinity;
  let dirty = false;
  let latency: 'ack' | 'request' = 'ack';
  return {
    name: 'progress',
    onRunStart(info: RunStartInfo) {
      lastPlain = -Infinity;
      latency = 'ack';
      if (dirty) out.write('\n');
      dirty = false;
      out.write(
        `rtbench: ${info.scenario} → ${info.topology}${info.round ? ` round ${info.round.index + 1}/${info.round.of}` : ''} (${info.target}) engine ${info.engine}, ${formatDuration(info.totalMs)}, ` +
          `${info.generators} generator${info.generators > 1 ? 's' : ''}, ${info.sourceIps} source address${info.sourceIps > 1 ? 'es' : ''}\n`,
      );
    },
    onTick(t: ProgressTick) {
      if (t.ackP99 !== null) latency = 'ack';
      else if (t.point?.requestP99 !== undefined && t.point.requestP99 !== null) latency = 'request';
      if (out.isTTY) {
        out.write(`\r\x1b[2K${line(t, latency)}`);
        dirty = true;
      } else if (t.elapsedMs / 1000 - lastPlain >= plainEverySec) {
        lastPlain = t.elapsedMs / 1000;
        out.write(`  ${line(t, latency)}\n`);
      }
    },
    onRunEnd() {
      if (dirty) out.write('\n');
      dirty = false;
    },
  };
}
