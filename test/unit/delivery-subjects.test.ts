import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThreshold } from '../../src/thresholds/parse.ts';

test('a mistyped recovery or sequence figure names the real ones, with "did you mean"', () => {
  const r = parseThreshold('recovery.resumedRat', '> 99%');
  assert.equal(typeof r, 'string');
  assert.match(r as string, /did you mean `resumedRate`/);
  assert.match(r as string, /resumedRate, neverRate, resumed, fresh, never/);
  const s = parseThreshold('seq:ticks.lossrate', '< 0.1%');
  assert.equal(typeof s, 'string');
  assert.match(s as string, /did you mean `lossRate`/);
  assert.match(s as string, /lossRate, deliveredRate/);
  // the right names still parse
  assert.equal(typeof parseThreshold('recovery.resumedRate', '> 99%'), 'object');
  assert.equal(typeof parseThreshold('seq:ticks.lossRate', '< 0.1%'), 'object');
  assert.equal(typeof parseThreshold('recovery.p99', '< 5s'), 'object');
  assert.equal(typeof parseThreshold('seq:ticks.p99', '< 50ms'), 'object');
});
