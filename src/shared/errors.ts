/**
 * Error classes with stable codes, and the one exit-code table of the CLI.
 * A user error (bad input, unreachable target) carries a message that names the input
 * and says the fix; the CLI prints it without a stack trace.
 */

/** The exit codes of every rtbench command. */
export const ExitCode = {
  ok: 0,
  runFailed: 1,
  badInput: 2,
  thresholdsFailed: 99,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes. Tests and scripts may match on them. */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_SCENARIO_NOT_FOUND'
  | 'E_SCENARIO_LOAD'
  | 'E_SCENARIO_INVALID'
  | 'E_UNKNOWN_TOPOLOGY'
  | 'E_TARGET_INVALID'
  | 'E_TARGET_NOT_LOOPBACK'
  | 'E_TARGET_UNREACHABLE'
  | 'E_TARGET_UNHEALTHY'
  | 'E_TLS'
  | 'E_PROTOCOL_MISMATCH'
  | 'E_SERVER_START'
  | 'E_GENERATOR'
  | 'E_LIMITS'
  | 'E_RUN'
  | 'E_SHARD_SPEC'
  | 'E_START_AT'
  | 'E_SHARD_MERGE'
  | 'E_COMPARE_TOPOLOGY'
  | 'E_RESULT_LINE'
  | 'E_RESULT_FILE'
  | 'E_K8S'
  | 'E_CONTAINER_RUNTIME'
  | 'E_MISSING_PACKAGE'
  | 'E_PACKAGE_VERSION'
  | 'E_PORT'
  | 'E_INIT'
  | 'E_SETUP'
  | 'E_SETUP_DATA'
  | 'E_TEARDOWN'
  | 'E_OUTPUT';

/** Base class: every error rtbench raises on purpose. */
export class RtbenchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  /** Extra lines (e.g. one per validation problem). */
  readonly details: readonly string[];
  /** What the user should do about it. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: { exitCode?: ExitCodeValue; details?: string[]; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RtbenchError';
    this.code = code;
    this.exitCode = opts.exitCode ?? ExitCode.badInput;
    this.details = opts.details ?? [];
    this.hint = opts.hint;
  }

  /** The one-paragraph message printed by the CLI (no stack). */
  format(): string {
    const lines = [`rtbench: ${this.message} [${this.code}]`];
    for (const d of this.details) lines.push(`  - ${d}`);
    if (this.hint) lines.push(`  fix: ${this.hint}`);
    return lines.join('\n');
  }
}

/** Bad input: scenario file, option, flag. Exit code 2. */
export class InputError extends RtbenchError {
  constructor(code: ErrorCode, message: string, opts: { details?: string[]; hint?: string; cause?: unknown } = {}) {
    super(code, message, { ...opts, exitCode: ExitCode.badInput });
    this.name = 'InputError';
  }
}

/** A run that could not be carried out (target unreachable, server or generator died). Exit code 1. */
export class RunError extends RtbenchError {
  constructor(code: ErrorCode, message: string, opts: { details?: string[]; hint?: string; cause?: unknown } = {}) {
    super(code, message, { ...opts, exitCode: ExitCode.runFailed });
    this.name = 'RunError';
  }
}

export function isRtbenchError(e: unknown): e is RtbenchError {
  return e instanceof RtbenchError;
}
