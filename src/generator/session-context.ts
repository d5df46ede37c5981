import type { CustomMetrics } from '../metrics/declared.ts';
import type { SessionContext } from '../scenario/types.ts';

/**
 * One session's `ctx`. A class, not an object literal: a literal with a `get stopping()` accessor
 * is built in dictionary mode with a getter closure of its own, about 0.8 KB per session, which a
 * generator holding 100,000 idle connections pays 100,000 times (BENCHMARKS.md, "100,000
 * concurrent connections"). Here the getter is on the prototype and the fields are in the object.
 */
export class RunnerSessionContext implements SessionContext {
  declare readonly kind?: string;

  constructor(
    readonly id: number,
    readonly sourceAddress: string,
    readonly phase: number,
    readonly generator: number,
    readonly random: () => number,
    private readonly runState: { readonly stopping: boolean },
    readonly data: unknown,
    readonly metrics: CustomMetrics,
    readonly check: (name: string, condition: boolean) => boolean,
    kind: string | undefined,
  ) {
    if (kind !== undefined) (this as { kind?: string }).kind = kind;
  }

  /** True once the run is stopping (last phase over, or interrupted): long loops should end. */
  get stopping(): boolean {
    return this.runState.stopping;
  }
}
