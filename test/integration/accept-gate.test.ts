import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startReferenceServer } from '../../reference-server/start.ts';
import { alive } from './helpers.ts';

/** Open a raw WebSocket to the reference app's /ws endpoint; resolves once open, rejects on error. */
function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
    const t = setTimeout(() => reject(new Error('no open within 5s')), 5000);
    ws.once('open', () => {
      clearTimeout(t);
      resolve(ws);
    });
    ws.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

const closeWs = (ws: WebSocket): Promise<void> =>
  new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : (ws.once('close', () => resolve()), ws.close())));

for (const policy of ['none', 'rr'] as const) {
  test(`cluster:2:${policy}: a worker at its connection cap stops accepting, the other takes the load; a full cluster refuses; room again reopens it`, async () => {
    const cap = 10;
    const server = await startReferenceServer({ topology: `cluster:2:${policy}`, maxConnectionsPerWorker: cap, timeoutMs: 30_000 });
    const conns: WebSocket[] = [];
    try {
      // one at a time: each connection is accepted before the next is made, so no worker can overshoot
      for (let i = 0; i < 2 * cap; i++) conns.push(await open(server.url));
      let stats = await server.stats();
      assert.deepEqual(
        stats.workers.map((w) => w.current),
        [cap, cap],
        `both workers full at the cap (the kernel's or the primary's spread alone would not give ${cap}/${cap} every time)`,
      );
      assert.ok(
        stats.workers.every((w) => (w.acceptPauses ?? 0) >= 1),
        'each worker reports that it paused',
      );
      // the whole cluster is full: the port refuses at once, rather than queueing or dropping established connections
      await assert.rejects(open(server.url), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
      // a slot frees on one worker: it listens again (same port) and takes a new connection
      await closeWs(conns.shift()!);
      const deadline = Date.now() + 5000;
      let extra: WebSocket | null = null;
      while (!extra && Date.now() < deadline) extra = await open(server.url).catch(() => new Promise<null>((r) => setTimeout(() => r(null), 100)));
      assert.ok(extra, 'a new connection is accepted once a worker is below its cap');
      conns.push(extra);
      stats = await server.stats();
      assert.equal(
        stats.workers.reduce((a, w) => a + w.current, 0),
        2 * cap,
      );
      assert.ok(
        conns.every((c) => c.readyState === WebSocket.OPEN),
        'no established connection was dropped',
      );
    } finally {
      await Promise.all(conns.map(closeWs));
      await server.stop();
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of [server.pid, ...server.pids]) assert.ok(!alive(pid), `pid ${pid} still alive after stop()`);
  });
}
