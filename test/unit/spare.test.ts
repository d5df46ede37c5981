import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { engineHint, SpareGenerator } from '../../src/generator/spare.ts';

const dir = mkdtempSync(join(tmpdir(), 'rtbench-spare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('engineHint: the engine the scenario text names, else socket.io', () => {
  const f = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  assert.equal(engineHint(f('ws.ts', "export default { engine: 'ws', phases: [] };\n")), 'ws');
  assert.equal(engineHint(f('lean.ts', 'export default {\n  engine : "socket.io-lean",\n};\n')), 'socket.io-lean');
  assert.equal(engineHint(f('none.ts', 'export default { phases: [] };\n')), 'socket.io');
  assert.equal(engineHint(f('bogus.ts', "export default { engine: 'carrier-pigeon' };\n")), 'socket.io');
  assert.equal(engineHint(join(dir, 'missing.ts')), 'socket.io');
});

test('SpareGenerator: a spare nobody takes is killed by close(); one taken is handed over alive', { timeout: 60_000 }, async () => {
  const file = join(dir, 'spare.ts');
  writeFileSync(file, "export default { name: 'spare', phases: [], async session() {} };\n");
  const unused = new SpareGenerator(file);
  const proc = unused.take();
  assert.ok(proc?.pid, 'take() hands over the live process');
  assert.equal(unused.take(), null, 'only once');
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? code)));
  proc.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const closed = new SpareGenerator(file);
  const inner = (closed as unknown as { proc: import('node:child_process').ChildProcess }).proc;
  const gone = new Promise((resolve) => inner.once('exit', (code, signal) => resolve(signal ?? code)));
  closed.close();
  assert.equal(await gone, 'SIGKILL', 'close() kills the spare');
  assert.equal(closed.take(), null, 'nothing to take after close()');
});
