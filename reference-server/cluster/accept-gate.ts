/**
 * How a `cluster` worker takes connections on the shared port, with a cap.
 *
 * A worker that accepts past its open-file limit fails every accept with EMFILE (libuv then
 * accepts and drops connections to keep going): with the `none` policy the kernel's spread is
 * uneven, and at 100k connections the busiest workers hit that wall while others had room
 * (BENCHMARKS.md, 100k runs). Real servers cap connections per process instead (HAProxy's
 * maxconn, nginx's worker_connections). Here a worker at its cap stops listening on the shared
 * port, so the cluster (the kernel with `none`, the primary with `rr`) hands new connections to
 * the other workers; below the resume mark it listens again. When every worker is full the
 * port refuses connections: the cluster is full, and clients see it at once.
 *
 * The listening socket is a plain net.Server that passes each socket to the app's HTTP server
 * (as the sticky handoff does), so closing and reopening it never touches the HTTP server,
 * Engine.IO or the connections already open.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import net from 'node:net';

/** Share of the open-file limit a worker may fill with connections (the rest: runtime, IPC, Redis). */
const FD_SHARE = 0.95;
/** Listen again once connections fall to this share of the cap (hysteresis). */
const RESUME_SHARE = 0.98;

export class AcceptGate {
  private readonly listener: net.Server;
  private open = 0;
  private paused = false;
  private pauseCount = 0;
  private port = 0;
  /** Listen again once connections fall to this many. */
  private readonly resumeAt: number;

  constructor(
    private readonly target: http.Server,
    private readonly cap: number | null,
    private readonly host: string,
  ) {
    this.listener = net.createServer({ noDelay: true }, (socket) => this.accepted(socket));
    this.resumeAt = cap === null ? 0 : Math.floor(cap * RESUME_SHARE);
  }

  /** Listen on the shared `port` (non-zero: a paused worker must come back to the same port). */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, this.host, () => {
        this.listener.off('error', reject);
        this.port = (this.listener.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /** Times this worker stopped accepting because it was full. */
  get pauses(): number {
    return this.pauseCount;
  }

  private accepted(socket: net.Socket): void {
    this.open++;
    socket.once('close', () => this.closed());
    this.target.emit('connection', socket);
    if (this.cap !== null && !this.paused && this.open >= this.cap) this.pause();
  }

  private closed(): void {
    this.open--;
    if (this.paused && this.open <= this.resumeAt) this.resume();
  }

  private pause(): void {
    this.paused = true;
    this.pauseCount++;
    console.error(`[worker ${process.pid}] ${this.open} connections (cap ${this.cap}): not accepting until ${this.resumeAt}`);
    this.listener.close(); // this worker's share of the port only; open sockets stay
  }

  private resume(): void {
    this.paused = false;
    this.listener.listen(this.port, this.host);
  }
}

/** The cap for a worker: `explicit` when given, else 95% of this process's open-file limit (Linux), else none. */
export function connectionCap(explicit: number | null | undefined): number | null {
  if (explicit && explicit > 0) return Math.floor(explicit);
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) && soft > 0 ? Math.floor(soft * FD_SHARE) : null;
  } catch {
    return null;
  }
}
