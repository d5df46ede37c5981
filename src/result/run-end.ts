/** How a run ended (the discriminated part of a `RunResult`, src/result/types.ts). */
/** Why a run failed, or what went wrong while it was being interrupted. */
export interface RunFailure {
  code: string;
  message: string;
}

/**
 * How a run ended: `completed`; `interrupted` (Ctrl-C, or an abortOnFail threshold), with a
 * failure when something also went wrong while it stopped; `failed`, always with why.
 */
export type RunEnd = { status: 'completed'; failure?: undefined } | { status: 'interrupted'; failure?: RunFailure } | { status: 'failed'; failure: RunFailure };

export type RunStatus = RunEnd['status'];
