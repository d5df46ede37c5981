/**
 * The parts of the SocketCluster packages rtbench uses (they ship no type declarations).
 * socketcluster-client / socketcluster-server v20, scc-broker-client v9.
 */
declare module 'socketcluster-client' {
  /** An async-iterable stream of events (SocketCluster's consumable streams). */
  export interface AsyncStream<T> extends AsyncIterable<T> {
    once(timeoutMs?: number): Promise<T>;
  }
  export interface AGChannel<T = unknown> extends AsyncIterable<T> {
    name: string;
    state: 'pending' | 'subscribed' | 'unsubscribed';
    listener(event: 'subscribe' | 'subscribeFail' | 'unsubscribe'): AsyncStream<{ error?: Error }>;
    close(): void;
  }
  export interface ClientOptions {
    hostname: string;
    port: number;
    secure?: boolean;
    path?: string;
    autoConnect?: boolean;
    autoReconnect?: boolean;
    autoReconnectOptions?: { initialDelay?: number; randomness?: number; multiplier?: number; maxDelay?: number };
    connectTimeout?: number;
    ackTimeout?: number;
    query?: Record<string, unknown>;
    wsOptions?: Record<string, unknown>;
  }
  export interface AGClientSocket {
    readonly state: 'connecting' | 'open' | 'closed';
    readonly id: string | null;
    connect(): void;
    disconnect(code?: number, reason?: string): void;
    transmit(event: string, data?: unknown, options?: { ackTimeout?: number }): Promise<void>;
    invoke(event: string, data?: unknown, options?: { ackTimeout?: number }): Promise<unknown>;
    invokePublish(channel: string, data: unknown): Promise<void>;
    subscribe(channel: string, options?: { waitForAuth?: boolean }): AGChannel;
    unsubscribe(channel: string): void;
    closeChannel(channel: string): void;
    killAllListeners(): void;
    killAllReceivers(): void;
    closeAllChannels(): void;
    killAllChannels(): void;
    receiver(event: string): AsyncStream<unknown>;
    procedure(event: string): AsyncStream<{ data: unknown; end(data?: unknown): void; error(e: Error): void }>;
    listener(event: 'connect'): AsyncStream<{ id: string }>;
    listener(event: 'connectAbort' | 'disconnect' | 'close'): AsyncStream<{ code: number; reason?: string }>;
    listener(event: 'error'): AsyncStream<{ error: Error }>;
    listener(event: string): AsyncStream<Record<string, unknown>>;
  }
  export function create(options: ClientOptions): AGClientSocket;
  /** The package's version, e.g. '20.0.2'. */
  export const version: string;
  const _default: { create: typeof create; version: string };
  export default _default;
}

declare module 'socketcluster-server' {
  import type { Server as HttpServer, IncomingMessage } from 'node:http';
  import type { AsyncStream } from 'socketcluster-client';
  export interface AGRequest {
    data: unknown;
    end(data?: unknown): void;
    error(e: Error): void;
  }
  export interface AGServerSocket {
    id: string;
    remoteAddress: string;
    request: IncomingMessage;
    state: 'connecting' | 'open' | 'closed';
    transmit(event: string, data?: unknown): Promise<void>;
    invoke(event: string, data?: unknown): Promise<unknown>;
    receiver(event: string): AsyncStream<unknown>;
    procedure(event: string): AsyncStream<AGRequest>;
    listener(event: 'close' | 'disconnect'): AsyncStream<{ code: number; reason?: string }>;
    listener(event: string): AsyncStream<Record<string, unknown>>;
    disconnect(code?: number, reason?: string): void;
    [key: string]: unknown;
  }
  export interface AGAction {
    type: string;
    socket: AGServerSocket;
    channel?: string;
    data?: unknown;
    request?: IncomingMessage;
    allow(packet?: { data?: unknown }): void;
    block(error?: Error): void;
  }
  export interface AGServer {
    clients: Record<string, AGServerSocket>;
    clientsCount: number;
    exchange: { invokePublish(channel: string, data: unknown): Promise<void>; transmitPublish(channel: string, data: unknown): Promise<void> };
    brokerEngine: unknown;
    MIDDLEWARE_HANDSHAKE: string;
    MIDDLEWARE_INBOUND: string;
    MIDDLEWARE_OUTBOUND: string;
    setMiddleware(type: string, fn: (stream: AsyncIterable<AGAction>) => Promise<void>): void;
    listener(event: 'connection'): AsyncStream<{ socket: AGServerSocket }>;
    listener(event: 'error'): AsyncStream<{ error: Error }>;
    listener(event: 'warning'): AsyncStream<{ warning: Error }>;
    listener(event: 'disconnection' | 'closure'): AsyncStream<{ socket: AGServerSocket; code: number }>;
    listener(event: string): AsyncStream<Record<string, unknown>>;
    close(keepSocketsOpen?: boolean): Promise<void>;
  }
  export interface ServerOptions {
    path?: string;
    socketChannelLimit?: number | null;
    maxPayload?: number;
    pingInterval?: number;
    pingTimeout?: number;
    ackTimeout?: number;
    perMessageDeflate?: boolean;
  }
  export function attach(server: HttpServer, options?: ServerOptions): AGServer;
  const _default: { attach: typeof attach };
  export default _default;
}

declare module 'socketcluster-server/action.js' {
  const AGAction: { HANDSHAKE_WS: string; HANDSHAKE_SC: string; PUBLISH_IN: string; SUBSCRIBE: string; INVOKE: string; TRANSMIT: string };
  export default AGAction;
}

declare module 'scc-broker-client' {
  import type { AsyncStream } from 'socketcluster-client';
  export interface ClusterBrokerClient {
    isReady: boolean;
    listener(event: 'error'): AsyncStream<{ error: Error }>;
    listener(event: 'updateBrokers'): AsyncStream<{ brokerURIs: string[] }>;
    listener(event: string): AsyncStream<Record<string, unknown>>;
  }
  export function attach(
    broker: unknown,
    options: {
      stateServerHost: string;
      stateServerPort: number;
      instanceId: string;
      instancePort?: number;
      instanceIp?: string;
      mappingEngine?: 'skeletonRendezvous' | 'simple';
      brokerRetryDelay?: number;
      stateServerReconnectRandomness?: number;
      pubSubBatchDuration?: number | null;
    },
  ): ClusterBrokerClient;
  const _default: { attach: typeof attach };
  export default _default;
}
