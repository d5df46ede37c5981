import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, suggestion } from '../../src/shared/suggest.ts';

test('didYouMean: typos find the nearest name; unrelated words find none', () => {
  const fields = ['name', 'phases', 'session', 'ackTimeout', 'connectTimeout', 'thresholds', 'topology'];
  assert.equal(didYouMean('ackTimout', fields), 'ackTimeout');
  assert.equal(didYouMean('phase', fields), 'phases');
  assert.equal(didYouMean('treshold', fields), 'thresholds', 'two edits in eight letters');
  assert.equal(didYouMean('tresholds', fields), 'thresholds');
  assert.equal(didYouMean('prot', ['port', 'host', 'topology']), 'port', 'a swap of two letters');
  assert.equal(didYouMean('rn', ['run', 'init', 'serve']), 'run');
  assert.equal(didYouMean('xy', ['run', 'init', 'ab']), null, 'short words: one edit only');
  assert.equal(didYouMean('broadcst', ['broadcast', 'connect', 'ack']), 'broadcast');
  assert.equal(didYouMean('latency', ['broadcast', 'connect', 'ack']), null);
  assert.equal(didYouMean('anything', []), null);
  assert.equal(suggestion('sesion', fields), ' (did you mean `session`?)');
  assert.equal(suggestion('zzzzzz', fields), '');
});
