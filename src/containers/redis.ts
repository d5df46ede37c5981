import type { ContainerSpec } from './types.ts';

export const REDIS_IMAGE = 'redis:7.4-alpine';
export const REDIS_ALIAS = 'redis';
export const REDIS_PORT = 6379;

/** Redis for the `:redis` adapter variants of `cluster` and `sticky` (@testcontainers/redis). */
export function redisSpec(): ContainerSpec {
  return { role: 'redis', alias: REDIS_ALIAS, image: REDIS_IMAGE, ports: [REDIS_PORT], command: ['redis-server', '--save', '', '--appendonly', 'no'] };
}
