/** The client engines a scenario can choose (`engine:`). */
export type EngineName = 'socket.io' | 'socket.io-lean' | 'ws' | 'socketcluster' | 'sse';

/** Every engine, by name. */
export const ENGINE_NAMES: readonly EngineName[] = ['socket.io', 'socket.io-lean', 'ws', 'socketcluster', 'sse'];
