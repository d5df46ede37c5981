import type { RedisHandle } from './redis.ts';

/**
 * A Redis that someone else runs (RTBENCH_REDIS_URL, e.g. the Redis container that
 * `--runtime containers` starts next to the reference server). Nothing to start, supervise or
 * stop here, and no process of ours to inject faults into.
 */
export function externalRedis(url: string): RedisHandle {
  const u = new URL(url);
  return {
    url,
    port: Number(u.port || 6379),
    get pid() {
      return process.pid; // no process of its own here: the topology's
    },
    restarts: () => 0,
    faultSlot: () => ({ pid: () => null, readyPid: () => null, supervised: false }),
    stop: async () => {},
  };
}
