import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import scClient from 'socketcluster-client';
import { loadEngine } from '../../src/clients/index.ts';
import { checkClientInternals, SC_CLIENT_RANGE } from '../../src/clients/socketcluster.ts';
import { InputError } from '../../src/shared/errors.ts';

test('socketcluster-client is pinned to the range whose private unsubscribe step the engine reads, and the installed one is in it', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(pkg.dependencies['socketcluster-client'], SC_CLIENT_RANGE);
  assert.equal(SC_CLIENT_RANGE, '~20.0.2');
  assert.match(scClient.version, /^20\.0\.\d+$/);
});

test('the installed client passes the engine-start check, and the engine loads through it', async () => {
  assert.doesNotThrow(() => checkClientInternals());
  assert.equal(typeof (await loadEngine('socketcluster')), 'function');
});

test('a client without the private step, or whose step does not drop the channel, is refused naming its version and the fix', () => {
  const refused = (socket: object, version: string): InputError => {
    try {
      checkClientInternals(() => socket, version);
    } catch (e) {
      assert.ok(e instanceof InputError);
      return e;
    }
    assert.fail('accepted');
  };
  const bare = refused({ subscribe() {} }, '21.0.0');
  assert.equal(bare.code, 'E_PACKAGE_VERSION');
  assert.match(
    bare.message,
    /engine 'socketcluster': socketcluster-client 21\.0\.0 lacks the private unsubscribe step .*`_channelMap`, `_triggerChannelUnsubscribe`/,
  );
  assert.equal(bare.hint, 'install the version rtbench pins: `npm install socketcluster-client@~20.0.2`');
  // present, but a no-op: the channel would stay "subscribed" in the client
  const channelMap: Record<string, unknown> = {};
  const noop = {
    _channelMap: channelMap,
    _triggerChannelUnsubscribe() {},
    subscribe: (name: string) => void (channelMap[name] = { name }),
    killAllChannels() {},
  };
  assert.equal(refused(noop, '20.9.0').code, 'E_PACKAGE_VERSION');
  // and one that does drop it passes
  const working = { ...noop, _triggerChannelUnsubscribe: (c: { name: string }) => void delete channelMap[c.name] };
  assert.doesNotThrow(() => checkClientInternals(() => working, '20.0.3'));
});
