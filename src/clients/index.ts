import type { EngineName } from '../scenario/types.ts';
import type { Transport, TransportOptions } from './types.ts';

/** A transport factory: one engine's client, made for one session. */
export type EngineFactory = (opts: TransportOptions) => Transport;

/**
 * Engine name → its transport factory, loaded on demand (one file per engine): a generator loads only
 * its scenario's engine and that engine's client library, not all four (about 180 ms of start-up).
 */
export async function loadEngine(name: EngineName): Promise<EngineFactory> {
  switch (name) {
    case 'socket.io': {
      const { SocketIoTransport } = await import('./socketio.ts');
      return (opts) => new SocketIoTransport(opts);
    }
    case 'socket.io-lean': {
      const { LeanSocketIoTransport } = await import('./socketio-lean.ts');
      return (opts) => new LeanSocketIoTransport(opts);
    }
    case 'ws': {
      const { WsTransport } = await import('./ws.ts');
      return (opts) => new WsTransport(opts);
    }
    case 'socketcluster': {
      const { SocketClusterTransport } = await import('./socketcluster.ts');
      return (opts) => new SocketClusterTransport(opts);
    }
  }
}
