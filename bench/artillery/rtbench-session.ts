/**
 * The session of bench/artillery.ts, rtbench's side: connect, 10 acked `echo` events one after
 * the other (each checked against what was sent), disconnect. It is the same session as the
 * Artillery YAML flow that bench/artillery.ts writes (loop of 10 `emit` + `acknowledge`).
 *
 *   RTBENCH_BENCH_ENGINE   socket.io | socket.io-lean   (default socket.io)
 *   RTBENCH_BENCH_RATE     sessions per second          (default 100)
 *   RTBENCH_BENCH_SECONDS  length of the arrival phase  (default 30)
 */
import { defineScenario, type EngineName } from 'rtbench';

const engine = (process.env.RTBENCH_BENCH_ENGINE ?? 'socket.io') as EngineName;
const rate = Number(process.env.RTBENCH_BENCH_RATE ?? 100);
const seconds = Number(process.env.RTBENCH_BENCH_SECONDS ?? 30);
const ECHOES = 10;

export default defineScenario({
  name: `bench session ${engine}`,
  requiresTarget: true,
  engine,
  transports: ['websocket'],
  generators: 1,
  phases: [{ duration: `${seconds}s`, arrivalRate: rate }],
  gracefulStop: '10s',
  async session(client, ctx) {
    await client.connect();
    for (let i = 0; i < ECHOES; i++) {
      const text = `hello ${ctx.id} ${i}`;
      const reply = await client.emitWithAck('echo', text);
      if (reply !== text) throw new Error(`echo answered ${JSON.stringify(reply)}, expected ${JSON.stringify(text)}`);
    }
    await client.disconnect();
  },
});
