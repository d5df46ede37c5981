/**
 * The client engines a scenario can choose (`engine:`). `socket.io` is socket.io-client v4;
 * `socket.io-lean` is rtbench's own Socket.IO v5 client over a WebSocket (WebSocket transport only,
 * low CPU and memory per connection); `ws` is a raw WebSocket speaking the reference app's JSON
 * protocol; `socketcluster` is socketcluster-client v20 (the SocketCluster protocol:
 * transmit/invoke, channels); `sse` reads Server-Sent Events and token streams over HTTP.
 */
export type EngineName = 'socket.io' | 'socket.io-lean' | 'ws' | 'socketcluster' | 'sse';

/** Every engine, by name. */
export const ENGINE_NAMES: readonly EngineName[] = ['socket.io', 'socket.io-lean', 'ws', 'socketcluster', 'sse'];
