import type { Server } from 'socket.io';
import { busy, clamp, CHANNEL_ROOM_PREFIX, validRoom } from '../app/context.ts';

/** A room broadcast as backends publish it and frontends deliver it. */
export interface Published {
  room: string;
  seq: number;
  ts: unknown;
  from: string;
  origin: string;
  data: unknown;
}

/** An RPC request from a frontend, and its reply. */
export interface RpcRequest {
  method: 'echo' | 'work' | 'broadcast';
  args: unknown[];
  /** The requesting client's socket id (for `from`). */
  from: string;
}
export type RpcReply = unknown[];

/**
 * The backend's RPC handlers (the app code SocketStream ran in backend workers): echo, a `work`
 * call with a CPU cost, and room broadcast sequencing. `publish` fans a broadcast out to every
 * frontend (ZeroMQ PUB/SUB, or a direct call in `router:single`).
 */
export function createBackendHandlers(backendId: string, publish: (msg: Published) => void): (req: RpcRequest) => RpcReply {
  const roomSeq = new Map<string, number>();
  return (req) => {
    switch (req.method) {
      case 'echo':
        return req.args;
      case 'work':
        busy(clamp((req.args[0] as { ms?: unknown } | null)?.ms, 0, 1000, 0));
        return [{ backend: backendId }];
      case 'broadcast': {
        const [room, payload] = req.args;
        if (!validRoom(room)) return [{ error: 'room must be a non-empty string of at most 200 characters' }];
        const p = (payload && typeof payload === 'object' ? payload : {}) as { ts?: unknown; data?: unknown };
        const seq = (roomSeq.get(room) ?? 0) + 1;
        roomSeq.set(room, seq);
        publish({ room, seq, ts: p.ts, from: req.from, origin: `${backendId}@${process.pid}`, data: p.data });
        return [{ seq, worker: backendId }];
      }
      default:
        return [{ error: `unknown method ${String((req as { method: unknown }).method)}` }];
    }
  };
}

/** A frontend delivers a backend's broadcast to the room's local members; a channel's publish (its room) as a `publish` event. */
export function deliverPublished(io: Server, msg: Published): void {
  if (!msg.room.startsWith(CHANNEL_ROOM_PREFIX)) return void io.to(msg.room).emit('broadcast', msg);
  const { room, seq, ts, origin, data } = msg;
  io.to(room).emit('publish', { channel: room.slice(CHANNEL_ROOM_PREFIX.length), seq, ts, origin, data });
}
