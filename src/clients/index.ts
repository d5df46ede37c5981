import type { EngineName } from '../scenario/types.ts';
import { SocketIoTransport } from './socketio.ts';
import { SocketClusterTransport } from './socketcluster.ts';
import { LeanSocketIoTransport } from './socketio-lean.ts';
import type { Transport, TransportOptions } from './types.ts';
import { WsTransport } from './ws.ts';

/** Engine name → transport factory. One file per engine. */
export const engines: Readonly<Record<EngineName, (opts: TransportOptions) => Transport>> = {
  'socket.io': (opts) => new SocketIoTransport(opts),
  'socket.io-lean': (opts) => new LeanSocketIoTransport(opts),
  ws: (opts) => new WsTransport(opts),
  socketcluster: (opts) => new SocketClusterTransport(opts),
};
