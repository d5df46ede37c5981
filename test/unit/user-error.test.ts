import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { importScenario } from '../../src/scenario/load.ts';
import { describeUserError } from '../../src/scenario/user-error.ts';

test("an error thrown in a compiled scenario names the scenario's own line, not the bundle's", async () => {
  const file = resolve('test/fixtures/lines-shifted.ts');
  const scenario = await importScenario(file);
  const e = await (scenario.session as () => Promise<void>)().then(
    () => null,
    (x: unknown) => x,
  );
  // the bundle drops the comments and the interface above the session: its line 13 is not the file's
  assert.equal(describeUserError(e, file), `Error: thrown on line 13 (Object.session (${file}:13:11))`);
});
