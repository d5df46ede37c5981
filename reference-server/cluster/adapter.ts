import { setupPrimary } from '@socket.io/cluster-adapter';
import { startRedis, type RedisHandle } from '../infra/redis.ts';

/** Cross-worker broadcast: the embedded cluster adapter (IPC through the primary) or Redis pub/sub. */
export type AdapterName = 'cluster' | 'redis';

export const ADAPTERS: readonly AdapterName[] = ['cluster', 'redis'];

/** Prepare the primary side of an adapter: the cluster adapter's relay, or a redis-server of our own. */
export async function setupAdapterPrimary(name: AdapterName): Promise<{ redis: RedisHandle | null }> {
  if (name === 'redis') return { redis: await startRedis() };
  setupPrimary();
  return { redis: null };
}
