import type { EngineName } from './engine-name.ts';
import type { Transport, TransportOptions } from './types.ts';

/** A transport factory: one engine's client, made for one session. */
export type EngineFactory = (opts: TransportOptions) => Transport;

/** Engine name → the import of its file (one file per engine) and its factory. */
const LOADERS: Readonly<Record<EngineName, () => Promise<EngineFactory>>> = {
  'socket.io': async () =>
    (
      (m) => (opts) =>
        new m.SocketIoTransport(opts)
    )(await import('./socketio.ts')),
  'socket.io-lean': async () =>
    (
      (m) => (opts) =>
        new m.LeanSocketIoTransport(opts)
    )(await import('./socketio-lean.ts')),
  ws: async () =>
    (
      (m) => (opts) =>
        new m.WsTransport(opts)
    )(await import('./ws.ts')),
  sse: async () =>
    (
      (m) => (opts) =>
        new m.SseTransport(opts)
    )(await import('./sse.ts')),
  socketcluster: async () => {
    const m = await import('./socketcluster.ts');
    m.checkClientInternals(); // its unsubscribe uses the client's private step: refuse a client without it, by version
    return (opts) => new m.SocketClusterTransport(opts);
  },
};

/**
 * An engine's transport factory, loaded on demand: a generator loads only its scenario's engine
 * and that engine's client library, not all five (about 180 ms of start-up).
 */
export function loadEngine(name: EngineName): Promise<EngineFactory> {
  return LOADERS[name]();
}
