import type { Socket as NetSocket } from 'node:net';
import scClient, { type AGChannel, type AGClientSocket } from 'socketcluster-client';
import { InputError } from '../shared/errors.ts';
import { classifyError } from './classify.ts';
import { ClientOpError, type Transport, type TransportOptions } from './types.ts';

/**
 * The client's own local unsubscribe step, which it has no public form of. Why it is needed: the
 * public `unsubscribe(channel)` does this step and then transmits `#unsubscribe` UNacknowledged
 * (`_tryUnsubscribe`, `noTimeout`), so it cannot be timed as `ack:unsubscribe`; rtbench sends the
 * request itself as an `invoke` instead. Calling the public method as well would send it twice: the
 * server refuses the second (InvalidActionError "not subscribed", an error emitted on the socket),
 * one wasted message and one server-side error per unsubscribe, in the very benchmark that measures
 * channel churn. Skipping the local step would leave the channel in `_channelMap`: a later
 * `subscribe(channel)` would find it there and send no `#subscribe`, and its messages would still be
 * delivered. Checked to exist and to work at engine start (`checkClientInternals`); package.json pins
 * socketcluster-client to `~20.0.2` for it.
 */
interface ChannelInternals {
  _channelMap: Record<string, unknown>;
  _triggerChannelUnsubscribe(channel: unknown): void;
}

/** The version range package.json pins (the client's private unsubscribe step is read from it). */
export const SC_CLIENT_RANGE = '~20.0.2';

/**
 * At engine start: does this socketcluster-client have the private unsubscribe step the engine
 * uses, and does it work (a channel subscribed on a socket that never connects, then dropped by
 * it, is gone)? Throws `E_PACKAGE_VERSION` naming the installed version and the fix if not.
 */
export function checkClientInternals(
  create: (o: { hostname: string; port: number; autoConnect: false }) => unknown = scClient.create,
  version: string = scClient.version ?? 'unknown',
): void {
  const probe = create({ hostname: '127.0.0.1', port: 1, autoConnect: false }) as Partial<ChannelInternals> & Partial<AGClientSocket>;
  let works = false;
  try {
    if (
      typeof probe._triggerChannelUnsubscribe === 'function' &&
      probe._channelMap &&
      typeof probe._channelMap === 'object' &&
      typeof probe.subscribe === 'function'
    ) {
      probe.subscribe('rtbench-probe'); // not connected: nothing is sent
      const entry = probe._channelMap['rtbench-probe'];
      if (entry) probe._triggerChannelUnsubscribe(entry);
      works = entry !== undefined && !Object.hasOwn(probe._channelMap, 'rtbench-probe');
    }
  } catch {
    works = false;
  } finally {
    if (typeof probe.killAllChannels === 'function') probe.killAllChannels();
  }
  if (works) return;
  throw new InputError(
    'E_PACKAGE_VERSION',
    `engine 'socketcluster': socketcluster-client ${version} lacks the private unsubscribe step rtbench uses (\`_channelMap\`, \`_triggerChannelUnsubscribe\`; read from 20.0.x)`,
    {
      hint: `install the version rtbench pins: \`npm install socketcluster-client@${SC_CLIENT_RANGE}\``,
    },
  );
}

/**
 * The `socketcluster` engine: socketcluster-client v20 over its own protocol.
 *
 * - `emit` is SocketCluster's `transmit`, `emitWithAck` its `invoke` (an RPC answered by the
 *   server's `procedure`). SocketCluster events carry one value: one argument is sent as is,
 *   several as an array; the ack resolves with the procedure's answer.
 * - Server events reach a client only through a `receiver` it listens to: the engine listens to
 *   `welcome` and `push`, and to every event a session names in `on()` / `waitFor()`.
 * - Channels are SocketCluster channels: `subscribe` waits for the server's acceptance,
 *   `publish` is `invokePublish` (acked), and `unsubscribe` is sent as an acked `#unsubscribe`
 *   request (the client library sends it unacknowledged; the server accepts both forms) so that
 *   it can be timed. Channel messages are handed on as `publish` events `{ channel, ...data }`.
 * - Reconnection is rtbench's own loop (the client's auto-reconnect is off), as for `ws`.
 */
export class SocketClusterTransport implements Transport {
  private readonly socket: AGClientSocket;
  private eventHandler: ((event: string, args: unknown[]) => void) | null = null;
  private disconnectHandler: ((reason: string) => void) | null = null;
  private readonly listening = new Set<string>();
  /** The consumer loop of each subscribed channel, by a token of its own. */
  private readonly consumers = new Map<string, symbol>();
  private closing = false;
  private open = false;

  constructor(opts: TransportOptions) {
    const url = new URL(opts.target);
    const secure = url.protocol === 'https:';
    this.socket = scClient.create({
      hostname: url.hostname,
      port: Number(url.port) || (secure ? 443 : 80),
      secure,
      path: url.pathname.length > 1 ? url.pathname : opts.path, // a path in --target wins, as for ws
      autoConnect: false,
      autoReconnect: false,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      ...(opts.connect?.hasQuery ? { query: opts.connect.query } : {}),
      wsOptions: { localAddress: opts.localAddress, perMessageDeflate: false, ...(opts.connect?.hasHeaders ? { headers: opts.connect.headers } : {}) },
    });
    this.listen('welcome');
    this.listen('push');
  }

  /** The TCP socket under the client's WebSocket (network faults); null when not open. */
  netSocket(): NetSocket | null {
    if (!this.open) return null;
    const t = (this.socket as unknown as { transport?: { socket?: { _socket?: NetSocket | null } } }).transport;
    return t?.socket?._socket ?? null;
  }

  connect(timeoutMs: number): Promise<void> {
    const s = this.socket;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err?: ClientOpError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!err) return resolve();
        s.disconnect();
        reject(err);
      };
      const timer = setTimeout(() => settle(new ClientOpError('connect_timeout', `not connected within ${timeoutMs}ms`)), timeoutMs);
      void (async () => {
        for await (const { error } of s.listener('error')) {
          if (!this.open) {
            const c = classifyError(error);
            settle(new ClientOpError(c.kind, c.message));
          }
        }
      })();
      void s
        .listener('connect')
        .once()
        .then(() => {
          this.open = true;
          settle();
        });
      void s
        .listener('connectAbort')
        .once()
        .then(({ code, reason }) => settle(new ClientOpError('connect_error', `connection aborted (${code}${reason ? ` ${reason}` : ''})`)));
      void (async () => {
        for await (const { code, reason } of s.listener('close')) {
          const wasOpen = this.open;
          this.open = false;
          if (wasOpen && !this.closing) this.disconnectHandler?.(`close ${code}${reason ? ` ${reason}` : ''}`);
        }
      })();
      s.connect();
    });
  }

  emit(event: string, args: unknown[]): void {
    this.socket.transmit(event, pack(args)).catch(() => {});
  }

  async emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    try {
      return [await this.socket.invoke(event, pack(args), { ackTimeout: timeoutMs })];
    } catch (e) {
      throw opError(e, event, timeoutMs);
    }
  }

  async subscribe(channel: string, timeoutMs: number): Promise<void> {
    const existing = this.socket.subscribe(channel);
    if (existing.state === 'subscribed') return;
    const ch: AGChannel = existing;
    if (!this.consumers.has(channel)) {
      // one consumer per subscription; an unsubscribe ends it (closeChannel) and forgets it at once,
      // so a subscribe right after gets its own even before the old loop has noticed
      const token = Symbol(channel);
      this.consumers.set(channel, token);
      void (async () => {
        for await (const data of ch)
          if (this.consumers.get(channel) === token) this.eventHandler?.('publish', [{ ...(data && typeof data === 'object' ? data : { data }), channel }]);
        if (this.consumers.get(channel) === token) this.consumers.delete(channel);
      })();
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ch.listener('subscribe').once(),
        ch
          .listener('subscribeFail')
          .once()
          .then(({ error }) => {
            throw new ClientOpError('server_error', `subscribe to \`${channel}\` refused: ${error?.message ?? 'unknown reason'}`);
          }),
        new Promise(
          (_, reject) => (timer = setTimeout(() => reject(new ClientOpError('ack_timeout', `no ack for \`subscribe\` within ${timeoutMs}ms`)), timeoutMs)),
        ),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async unsubscribe(channel: string, timeoutMs: number): Promise<void> {
    const internals = this.socket as unknown as ChannelInternals;
    const entry = internals._channelMap[channel];
    if (entry) internals._triggerChannelUnsubscribe(entry);
    this.consumers.delete(channel);
    this.socket.closeChannel(channel);
    try {
      await this.socket.invoke('#unsubscribe', channel, { ackTimeout: timeoutMs });
    } catch (e) {
      throw opError(e, 'unsubscribe', timeoutMs);
    }
  }

  async publish(channel: string, payload: { ts: number; data: unknown }, timeoutMs: number): Promise<void> {
    try {
      // invokePublish, with this call's own ack timeout
      await this.socket.invoke('#publish', { channel, data: payload }, { ackTimeout: timeoutMs });
    } catch (e) {
      throw opError(e, 'publish', timeoutMs);
    }
  }

  listen(event: string): void {
    if (this.listening.has(event)) return;
    this.listening.add(event);
    void (async () => {
      for await (const data of this.socket.receiver(event)) this.eventHandler?.(event, [data]);
    })();
  }

  onEvent(handler: (event: string, args: unknown[]) => void): void {
    this.eventHandler = handler;
  }

  onDisconnect(handler: (reason: string) => void): void {
    this.disconnectHandler = handler;
  }

  close(): void {
    this.closing = true;
    this.open = false;
    this.socket.disconnect();
    this.socket.killAllChannels();
    this.socket.killAllReceivers();
    this.socket.killAllListeners();
  }
}

/** SocketCluster events carry one value. */
const pack = (args: unknown[]): unknown => (args.length === 1 ? args[0] : args);

function opError(e: unknown, event: string, timeoutMs: number): ClientOpError {
  const err = e as { name?: string; message?: string } | null;
  if (err?.name === 'TimeoutError') return new ClientOpError('ack_timeout', `no ack for \`${event}\` within ${timeoutMs}ms`);
  if (err?.name === 'BadConnectionError') return new ClientOpError('disconnected', `\`${event}\` lost with the connection: ${err.message ?? ''}`);
  return new ClientOpError('server_error', `server answered \`${event}\` with an error: ${err?.message ?? String(e)}`);
}
