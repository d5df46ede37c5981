import { setupPrimary } from '@socket.io/cluster-adapter';
import { externalRedis } from '../infra/external-redis.ts';
import { startRedis, type RedisHandle } from '../infra/redis.ts';
import type { OptionalPackage } from '../../src/shared/optional.ts';

/** Cross-worker broadcast: the embedded cluster adapter (IPC through the primary) or Redis pub/sub. */
export type AdapterName = 'cluster' | 'redis';

export const ADAPTERS: readonly AdapterName[] = ['cluster', 'redis'];

/** The optional packages the workers import for an adapter (Redis: the client and the adapter). */
export const adapterPackages = (name: AdapterName): OptionalPackage[] => (name === 'redis' ? ['@socket.io/redis-adapter', 'redis'] : []);

/** Prepare the primary side of an adapter: the cluster adapter's relay, or a redis-server of our own. */
export async function setupAdapterPrimary(name: AdapterName): Promise<{ redis: RedisHandle | null }> {
  // RTBENCH_REDIS_URL: a Redis run elsewhere (the Redis container of `--runtime containers`)
  if (name === 'redis') return { redis: process.env.RTBENCH_REDIS_URL ? externalRedis(process.env.RTBENCH_REDIS_URL) : await startRedis() };
  setupPrimary();
  return { redis: null };
}
