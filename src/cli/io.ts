import type { Output } from '../run/reporter.ts';

/** The outside world the CLI touches, injected so whole CLI runs can be tested in-process. */
export interface CliIO {
  stdout: Output;
  stderr: Output;
  /** Subscribe to SIGINT/SIGTERM; returns an unsubscribe function. */
  onSignal: (handler: (signal: string) => void) => () => void;
}

/** The real process's stdout, stderr and signals. */
export const processIO = (): CliIO => ({
  stdout: { write: (t) => void process.stdout.write(t), isTTY: Boolean(process.stdout.isTTY) },
  stderr: { write: (t) => void process.stderr.write(t), isTTY: Boolean(process.stderr.isTTY) },
  onSignal: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
});
