import { closeSync, openSync, writeSync } from 'node:fs';
import { outputWriteError } from '../shared/output-paths.ts';
import type { LiveSink } from './sample.ts';

/**
 * `--output json=FILE`: one JSON object per line, once a second and once at the end of each
 * topology run (`"final": true`), written synchronously so the file is complete up to the last
 * second even when the process is killed. Each line stands alone (`jq -c` friendly).
 */
export function jsonLinesSink(o: {
  file: string;
  labels: { scenario: string; run_id: string };
  info: (line: string) => void;
  warn?: (line: string) => void;
}): LiveSink {
  // the folder was made and probed before the load (src/run/output-check.ts)
  let fd: number;
  try {
    fd = openSync(o.file, 'a');
  } catch (e) {
    throw outputWriteError(o.file, e);
  }
  let lines = 0;
  let open = true;
  return {
    sample(s) {
      if (!open) return;
      const line = {
        type: s.final ? 'final' : 'second',
        time: new Date(s.timeMs).toISOString(),
        ...o.labels,
        topology: s.topology,
        ...(s.round === undefined ? {} : { round: s.round }),
        ...(s.step === undefined ? {} : { step: s.step }),
        ...(s.scope === undefined ? {} : { scope: s.scope }),
        elapsedMs: Math.round(s.elapsedMs),
        final: s.final,
        connected: s.connected,
        second: s.second,
        counters: s.counters,
        errors: s.errors,
        latency: Object.fromEntries(Object.entries(s.latency).map(([k, l]) => [k, { count: l.count, p50: l.p50, p99: l.p99, max: l.max }])),
      };
      try {
        writeSync(fd, `${JSON.stringify(line)}\n`);
        lines++;
      } catch (e) {
        // a full disk mid-run stops this output, not the run (what is measured still goes to result.json)
        open = false;
        closeSync(fd);
        o.warn?.(`${outputWriteError(o.file, e).format()}\n  (the json output stopped after ${lines} line(s); the run goes on)`);
      }
    },
    end() {
      if (!open) return;
      open = false;
      closeSync(fd);
      o.info(`json output: ${lines} line(s) in ${o.file}\n`);
      return { kind: 'json', where: o.file, sent: lines, dropped: 0 };
    },
  };
}
