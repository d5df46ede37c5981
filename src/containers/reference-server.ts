import type { ContainerSpec } from './types.ts';

/** The reference server image, built from the repository's Dockerfile (tag kept for reuse). */
export const REFERENCE_IMAGE = 'rtbench-reference:local';
export const SERVER_PORT = 3000;

/** `rtbench serve --topology T` in the container, on all its interfaces (the container's network only). */
export function referenceServerSpec(repoRoot: string, topology: string, pushRate: number): ContainerSpec {
  return {
    role: 'server',
    alias: 'server',
    image: REFERENCE_IMAGE,
    build: { context: repoRoot, dockerfile: 'Dockerfile' },
    command: ['serve', '--topology', topology, '--host', '0.0.0.0', '--port', String(SERVER_PORT), '--push-rate', String(pushRate)],
    ports: [SERVER_PORT],
    readyLog: 'rtbench reference server',
  };
}

/** One `lb` node: the reference app as worker `lb#<index>` (reference-server/container-node.ts). */
export function lbNodeSpec(repoRoot: string, topology: string, index: number, pushRate: number): ContainerSpec {
  return {
    role: 'node',
    alias: `node${index}`,
    image: REFERENCE_IMAGE,
    build: { context: repoRoot, dockerfile: 'Dockerfile' },
    entrypoint: ['node', '/app/dist/reference-server/container-node.js'],
    command: [JSON.stringify({ topology, index, pushRate, host: '0.0.0.0', port: SERVER_PORT })],
    ports: [SERVER_PORT],
    readyLog: 'rtbench lb node',
  };
}
