import { formatDuration } from '../shared/duration.ts';
import type { Output, ProgressTick, Reporter, RunStartInfo } from '../run/reporter.ts';

/** The round trips a progress line can show. */
type Shown = 'ack' | 'request' | 'sse:first';

/** `latency` names the round trip shown: Socket.IO acks, raw-frame `request()`s, or token streams' first event (a run that times those and no acks). */
function line(t: ProgressTick, latency: Shown): string {
  const v = latency === 'ack' ? t.ackP99 : latency === 'request' ? (t.point?.requestP99 ?? null) : (t.point?.sseFirstP99 ?? null);
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
  let latency: Shown = 'ack';
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
      else if (t.point?.sseFirstP99 !== undefined && t.point.sseFirstP99 !== null) latency = 'sse:first';
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
