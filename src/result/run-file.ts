import { RESULT_SCHEMA, type Environment, type RunFile, type RunResult } from './types.ts';

/**
 * A result file around its runs: the schema, the scenario as recorded, the machine, when it was
 * written, then what only some files carry (`shard`, `merged`, `search`, `showQuery`). The one place the wrapper
 * is assembled: a run, a dry run, a capacity search and a merge all write it through here.
 */
export function runFile(
  scenario: RunFile['scenario'],
  environment: Environment,
  runs: RunResult[],
  extra: Pick<RunFile, 'shard' | 'merged' | 'search' | 'showQuery'> = {},
  createdAt = new Date(),
): RunFile {
  return { schema: RESULT_SCHEMA, scenario, environment, createdAt: createdAt.toISOString(), runs, ...extra };
}
