import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientWeather, hitClient } from '../../src/clients/recovery.ts';
import type { Transport } from '../../src/clients/types.ts';

const sink = { count: () => {}, error: () => {}, record: () => {} };

/** A transport whose TCP socket records whether it was reset. */
function fakeTransport(): { t: Transport; resets: () => number } {
  let resets = 0;
  const socket = { destroyed: false, resetAndDestroy: () => void resets++, pause() {}, resume() {}, cork() {}, uncork() {} };
  return { t: { netSocket: () => socket } as unknown as Transport, resets: () => resets };
}

test("a disconnect rtbench's own drop caused is not blamed on the server, once", () => {
  const w = new ClientWeather(sink as never, {});
  const { t, resets } = fakeTransport();
  assert.equal(hitClient(t, 'drop', 0, w), true);
  assert.equal(resets(), 1);
  const first = w.lostReason('transport close');
  assert.match(first, /network fault 'drop'/);
  assert.doesNotMatch(first, /server closed/);
  assert.match(first, /transport close/);
  // the next disconnect, not caused by a fault, is the server's again
  assert.equal(w.lostReason('transport close'), 'server closed the connection: transport close');
});

test('a slow or blackholed client that then loses its connection is the server closing it', () => {
  const w = new ClientWeather(sink as never, {});
  const { t } = fakeTransport();
  hitClient(t, 'slow', 1, w);
  assert.equal(w.lostReason('ping timeout'), 'server closed the connection: ping timeout');
});

test('without a weather (no faults, no reconnect) the reason is unchanged', () => {
  assert.equal(ClientWeather.prototype.lostReason.call({ dropped: false }, 'x'), 'server closed the connection: x');
});

test("a heartbeat timeout during rtbench's own blackhole says the blackhole caused it; after it lifts, the server is named again", () => {
  const w = new ClientWeather(sink as never, {});
  const { t } = fakeTransport();
  hitClient(t, 'blackhole', 60_000, w);
  const m = w.lostReason('ping timeout');
  assert.match(m, /network fault 'blackhole'/);
  assert.match(m, /ping timeout/);
  const w2 = new ClientWeather(sink as never, {});
  hitClient(fakeTransport().t, 'blackhole', 0, w2);
  assert.equal(w2.lostReason('ping timeout'), 'server closed the connection: ping timeout');
});
