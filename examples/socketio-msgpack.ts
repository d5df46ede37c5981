import { createHash } from 'node:crypto';
import { defineScenario } from 'rtbench';

/**
 * Drives the MessagePack Socket.IO app (examples/apps/socketio-msgpack.ts), or any Socket.IO server
 * built with socket.io-msgpack-parser and the same events:
 * `npx rtbench run examples/socketio-msgpack.ts --target http://127.0.0.1:4140`.
 *
 * `connect: { parser: 'msgpack' }` makes every client speak the server's MessagePack (on engine
 * `socket.io-lean` too, which decodes MessagePack itself). Without it, every client fails with an
 * error that names the option.
 *
 * Each client sends 10 binary `echo`s (one every 100 ms, open loop; each timed as `ack:echo`) and
 * checks each comes back byte for byte, sends one 4 KiB `blob` and checks the server's checksum of
 * it, then asks for 5 pushed `frame`s of 1 KiB and checks each one's index and size.
 */
export default defineScenario({
  name: 'socket.io msgpack app',
  requiresTarget: true,
  engine: 'socket.io',
  connect: { parser: 'msgpack' },
  phases: [{ duration: '10s', vus: 20 }],
  thresholds: {
    'ack:echo.p99': '< 1s',
    'checks.failRate': '< 0.1%',
    'sessions.failedRate': '< 1%',
    'errors.rate': '< 1%',
  },
  async session(client, ctx) {
    await client.connect();
    await client.every(100, 10, async (i) => {
      const bytes = Buffer.alloc(256, (ctx.id + i) & 0xff);
      bytes.writeUInt32BE(i, 0);
      const back = await client.emitWithAck<{ i: number; bytes: Buffer }>('echo', { i, bytes }); // timed as `ack:echo`
      ctx.check('echo intact', back.i === i && Buffer.isBuffer(back.bytes) && back.bytes.equals(bytes));
    });
    const blob = Buffer.alloc(4096, ctx.id & 0xff);
    const r = await client.emitWithAck<{ bytes: number; sha: string }>('blob', blob);
    ctx.check('blob checksum', r.bytes === blob.length && r.sha === createHash('sha256').update(blob).digest('hex'));
    const frames: Buffer[] = [];
    client.on('frame', (b) => void frames.push(b as Buffer));
    await client.emitWithAck('frame', { count: 5, size: 1024 });
    for (let i = 0; i < 20 && frames.length < 5; i++) await client.think(50);
    ctx.check('frames pushed', frames.length === 5 && frames.every((b, i) => Buffer.isBuffer(b) && b.length === 1024 && b.readUInt32BE(0) === i));
  },
});
