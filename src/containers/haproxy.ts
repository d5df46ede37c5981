import { renderHaproxyConfig, type HaproxyConfig } from '../../reference-server/index.ts';
import type { ContainerSpec } from './types.ts';

export const HAPROXY_IMAGE = 'haproxy:2.8-alpine';
export const HAPROXY_CONFIG_PATH = '/usr/local/etc/haproxy/haproxy.cfg';

/** HAProxy with the config the `lb` topologies render for the local haproxy (same renderer). */
export function haproxySpec(config: HaproxyConfig): ContainerSpec {
  return {
    role: 'haproxy',
    alias: 'lb',
    image: HAPROXY_IMAGE,
    command: ['haproxy', '-f', HAPROXY_CONFIG_PATH, '-db'],
    ports: [config.port],
    files: [{ target: HAPROXY_CONFIG_PATH, content: renderHaproxyConfig(config) }],
  };
}
