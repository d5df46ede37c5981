import { fileURLToPath } from 'node:url';

/**
 * rtbench's own package folder (where package.json, bin/ and the Dockerfile are): two levels up
 * from this file in the sources (src/shared/), three in the compiled package (dist/src/shared/).
 */
export const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? '../../../' : '../../', import.meta.url));
