import { defineScenario } from 'rtbench';

/** A feed tick of examples/apps/sse-feed.ts. */
interface Tick {
  seq: number;
  sentAt: number;
}

/**
 * Drives the SSE app (examples/apps/sse-feed.ts), or any server with the same endpoints:
 * `npx rtbench run examples/sse-feed.ts --target http://127.0.0.1:4150`.
 *
 * Each client opens the live feed (`GET /events`, kept open; the app closes every stream after
 * 5 s, and the client reconnects after the app's `retry:` with `Last-Event-ID`, as browsers do:
 * counted in `recovery` and `recovery.resumed`). `sequences` counts the feed's numbering across
 * those reconnections (`seq:ticks.received`, `.lost`, `.duplicates`) and its delivery latency from
 * the app's `sentAt` (trend `seq:ticks`); the session also checks it by hand. Meanwhile it
 * asks for 3 token streams (`POST /v1/chat`), each read to its `done` event: timed as `sse:first`
 * (time to first token), `sse:done` and `sse:gap` (between tokens).
 */
export default defineScenario({
  name: 'sse feed and token streams',
  requiresTarget: true,
  engine: 'sse',
  // the feed's path, and a header sent with the feed's GET and with every client.stream() request
  connect: { path: '/events', headers: { authorization: 'Bearer demo-token' } },
  phases: [{ duration: '20s', vus: 20 }],
  metrics: { tick: 'trend', ticks: 'counter', tickGaps: 'counter', tickRepeats: 'counter' },
  // the feed's own numbering: each tick's `seq` (one space), stamped by the app with Date.now()
  sequences: { ticks: { event: 'tick', seq: 'seq', sentAt: 'sentAt' } },
  thresholds: {
    'sse:first.p99': '< 1s',
    'seq:ticks.lossRate': '== 0%',
    'tickGaps.count': '== 0',
    'tickRepeats.count': '== 0',
    'checks.failRate': '< 0.1%',
    'sessions.failedRate': '< 1%',
  },
  async session(client, ctx) {
    let last = 0;
    client.on('tick', (data) => {
      const t = data as Tick;
      ctx.metrics.count('ticks');
      ctx.metrics.record('tick', Math.max(0, Date.now() - t.sentAt)); // the app's wall clock, same host
      if (last > 0 && t.seq > last + 1) ctx.metrics.count('tickGaps', t.seq - last - 1);
      if (last > 0 && t.seq <= last) ctx.metrics.count('tickRepeats');
      last = Math.max(last, t.seq);
    });
    await client.connect(); // GET /events, timed as `connect`
    for (let i = 0; i < 3; i++) {
      const s = await client.stream('/v1/chat', { body: { prompt: `hello ${i}`, tokens: 20 }, until: 'done' });
      ctx.check('all tokens', s.status === 200 && s.events.length === 21 && s.events[20]!.event === 'done');
      await client.think(1000);
    }
    await client.think(4000); // across at least one of the app's stream closes
  },
});
