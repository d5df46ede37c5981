import type { Socket } from 'node:net';
import { monoMs } from '../shared/clock.ts';
import type { Transport } from './types.ts';

/** What a client-side network fault does to a client's own TCP connection. */
export type NetworkFaultKind = 'drop' | 'blackhole' | 'slow';

/**
 * Act on one client's TCP socket, as a bad network would, without root or a proxy:
 * - `drop`: a TCP reset, no close frame (`resetAndDestroy`): what a dead NAT entry or a lost
 *   mobile link looks like to the server; the client notices at once and reconnects;
 * - `blackhole`: for `ms`, nothing read and nothing written (reading paused; writes held back by
 *   `cork`, sent when it lifts, as TCP retransmits would): only a heartbeat notices;
 * - `slow`: for `ms`, nothing read: the kernel's buffers fill, then the server's (a slow consumer).
 * A socket that closed meanwhile is left alone when the fault lifts.
 */
export function applyNetworkFault(socket: Socket, kind: NetworkFaultKind, ms: number): void {
  if (socket.destroyed) return;
  if (kind === 'drop') {
    socket.resetAndDestroy();
    return;
  }
  socket.pause();
  if (kind === 'blackhole') socket.cork();
  setTimeout(() => {
    if (socket.destroyed) return;
    if (kind === 'blackhole') socket.uncork();
    socket.resume();
  }, ms).unref();
}

/**
 * A network fault on a client's connection: null when it has no TCP socket to hit (not open,
 * long-polling); else, for a `drop` with `ms` offline, the monotonic time until which the client
 * makes no reconnection attempt (an engine that reconnects by itself is told to hold), or 0.
 */
export function hitConnection(t: Transport, kind: NetworkFaultKind, ms: number): number | null {
  const socket = t.netSocket?.() ?? null;
  if (socket === null) return null;
  let until = 0;
  if (kind === 'drop' && ms > 0) {
    until = monoMs() + ms;
    t.holdReconnect?.(until);
  }
  applyNetworkFault(socket, kind, ms);
  return until;
}
