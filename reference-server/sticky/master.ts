import net from 'node:net';
import type { SlotPool } from '../cluster/primary.ts';
import type { PrimaryToWorker } from '../cluster/messages.ts';
import { pickWorker, type HashName } from './hashes.ts';

/**
 * How the sticky primary picks a worker:
 * - a hash of `connection.remoteAddress` (the classic sticky master; behind a load balancer
 *   every connection then comes from the balancer's address and lands on one worker);
 * - `proxy`: the real client address from a PROXY protocol v1 header (HAProxy `send-proxy`);
 * - `xff`: the first X-Forwarded-For address of the first HTTP request;
 * - `sid`: the Engine.IO session id in the request (`?sid=`): workers issue ids that start with
 *   their slot (`2.xYz…`), so a request of a session goes to the slot that holds it, even before
 *   the worker has reported the session; a new handshake goes to the worker with the fewest
 *   sessions (workers report theirs). So HTTP long-polling works. A sid that names no slot is
 *   counted (`sidUnknown`) and refused, never dealt to a worker that does not hold it.
 */
export type Route = { kind: 'hash'; hash: HashName } | { kind: 'proxy' } | { kind: 'xff' } | { kind: 'sid' };

export interface StickyMaster {
  port: number;
  counters(): Record<string, number>;
  close(): Promise<void>;
}

/** Parse a PROXY v1 header at the start of `buf`: the source address and the bytes after it. */
export function parseProxyV1(buf: Buffer): { address: string; rest: Buffer } | null {
  const end = buf.indexOf('\r\n');
  if (end < 0 || !buf.subarray(0, 6).equals(Buffer.from('PROXY '))) return null;
  const parts = buf.subarray(0, end).toString('latin1').split(' ');
  if (parts.length < 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) return null;
  return { address: parts[2]!, rest: buf.subarray(end + 2) };
}

/** The first X-Forwarded-For address in an HTTP request head, if any. */
export function forwardedFor(buf: Buffer): string | null {
  const m = /\r\nx-forwarded-for:\s*([^,\r\n]+)/i.exec(buf.toString('latin1'));
  return m ? m[1]!.trim() : null;
}

/** True once `buf` holds a whole HTTP request head and the body its Content-Length announces. */
export function requestComplete(buf: Buffer): boolean {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'));
  return buf.length >= end + 4 + (m ? Number(m[1]) : 0);
}

/** Listen on host:port and hand each connection to a worker of `pool` by `route`. */
export async function startStickyMaster(o: { host: string; port: number; pool: SlotPool; route: Route }): Promise<StickyMaster> {
  const counts = { routed: 0, misrouted: 0, workerDown: 0, incomplete: 0, sidUnknown: 0 };
  const pending = new Set<net.Socket>();
  const sessions = new Map<string, number>(); // sid → worker index
  const perWorker = new Array<number>(o.pool.size).fill(0);
  o.pool.onMessage((index, m) => {
    if (m.type !== 'rtbench:sid') return;
    if (m.open) {
      sessions.set(m.sid, index);
      perWorker[index]!++;
    } else if (sessions.delete(m.sid)) perWorker[index]!--;
  });
  const bySid = (head: Buffer): { index: number } | { error: 'sid' } => {
    const sid = /[?&]sid=([^&\s]+)/.exec(head.subarray(0, head.indexOf('\r\n')).toString('latin1'))?.[1];
    if (sid === undefined) return { index: perWorker.indexOf(Math.min(...perWorker)) };
    const slot = /^(\d+)\./.exec(decodeURIComponent(sid))?.[1];
    const index = slot === undefined ? sessions.get(sid) : Number(slot);
    return index !== undefined && index < o.pool.size ? { index } : { error: 'sid' };
  };
  const handOff = (socket: net.Socket, address: string, hash: HashName, data: Buffer | null): void => {
    const pick = route.kind === 'sid' && data ? bySid(data) : pickWorker(hash, address, o.pool.size);
    if ('error' in pick) {
      if (pick.error === 'sid') counts.sidUnknown++;
      else counts.misrouted++; // the seed's primary would throw on workers[NaN].send and crash; we count and drop
      socket.destroy();
      return;
    }
    const w = o.pool.worker(pick.index);
    if (!w?.isConnected()) {
      counts.workerDown++;
      socket.destroy();
      return;
    }
    counts.routed++;
    const msg: PrimaryToWorker = { type: 'rtbench:conn', data: data ? data.toString('base64') : '' };
    w.send(msg, socket, { keepOpen: false }, (err) => {
      if (err) socket.destroy();
    });
  };

  const route = o.route;
  let server: net.Server;
  if (o.route.kind === 'hash') {
    const hash = o.route.hash;
    server = net.createServer({ pauseOnConnect: true }, (socket) => handOff(socket, socket.remoteAddress ?? '', hash, null));
  } else {
    const kind = o.route.kind;
    server = net.createServer((socket) => {
      socket.once('error', () => socket.destroy());
      // Read until the first HTTP request is complete (PROXY header, head and body), so no byte
      // is left in this process's buffers when the socket moves to the worker.
      let buf: Buffer = Buffer.alloc(0);
      pending.add(socket);
      socket.once('close', () => pending.delete(socket));
      const timer = setTimeout(() => {
        counts.incomplete++; // no complete first request within 5 s
        socket.destroy();
      }, 5000);
      const onData = (chunk: Buffer): void => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        const p = kind === 'proxy' ? parseProxyV1(buf) : null;
        if (kind === 'proxy' && !p) {
          if (buf.indexOf('\r\n') >= 0 || buf.length > 108) socket.destroy(); // not a PROXY v1 header
          return;
        }
        const http = p ? p.rest : buf;
        if (!requestComplete(http)) {
          if (buf.length > 1_100_000) socket.destroy();
          return;
        }
        clearTimeout(timer);
        pending.delete(socket);
        socket.off('data', onData);
        // Stop the master's own reads at the libuv level. pause() alone does not, and once the handle
        // is sent, a master still reading the shared fd would swallow the client's next bytes (its
        // first WebSocket frames) into a no-op callback: rare hung connects and lost acks.
        (socket as unknown as { _handle?: { readStop?: () => void } })._handle?.readStop?.();
        socket.pause();
        const address = p ? p.address : ((kind === 'xff' ? forwardedFor(http) : null) ?? socket.remoteAddress ?? '');
        handOff(socket, address, 'default', http);
      };
      socket.on('data', onData);
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    counters: () => ({ ...counts }),
    // connections still being read (not yet handed over) are dropped, so close() never waits on a client
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of pending) s.destroy();
      }),
  };
}
