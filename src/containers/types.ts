/** One container to start. */
export interface ContainerSpec {
  role: 'server' | 'node' | 'redis' | 'haproxy';
  /** Its name on the topology's network (other containers reach it by this). */
  alias: string;
  image: string;
  /** Built from this Dockerfile (the reference server) instead of pulled. */
  build?: { context: string; dockerfile: string };
  /** Replaces the image's entrypoint. */
  entrypoint?: string[];
  command?: string[];
  env?: Record<string, string>;
  /** Container ports exposed (mapped to random host ports). */
  ports: number[];
  /** Files written into the container before it starts. */
  files?: Array<{ target: string; content: string }>;
  /** Ready when this line appears in its output (else: when its first port listens). */
  readyLog?: string;
}
