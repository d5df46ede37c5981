import { monoMs } from '../../src/shared/clock.ts';

/** Send `{ seq, ts }` pushes at `rate`/s, `count` times (Infinity = until stopped). Returns a stop function. */
export function startPush(send: (msg: { seq: number; ts: number }) => void, rate: number, count: number): () => void {
  let seq = 0;
  const timer = setInterval(
    () => {
      seq++;
      send({ seq, ts: monoMs() });
      if (seq >= count) clearInterval(timer);
    },
    Math.max(1, 1000 / rate),
  );
  return () => clearInterval(timer);
}
