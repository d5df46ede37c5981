import WebSocket from 'ws';
import { classifyError } from './classify.ts';
import { ClientOpError, type Transport, type TransportOptions } from './types.ts';

interface Pending {
  resolve: (args: unknown[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The `ws` engine: a raw WebSocket speaking the reference app's JSON protocol:
 * events `{"e":name,"a":[...args]}`, acked events add `"id":n`, answered by `{"ack":n,"a":[...]}`.
 */
export class WsTransport implements Transport {
  private socket: WebSocket | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private eventHandler: ((event: string, args: unknown[]) => void) | null = null;
  private disconnectHandler: ((reason: string) => void) | null = null;
  private closing = false;

  constructor(private readonly opts: TransportOptions) {}

  connect(timeoutMs: number): Promise<void> {
    const url = new URL(this.opts.target);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = this.opts.path;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { localAddress: this.opts.localAddress, handshakeTimeout: timeoutMs, perMessageDeflate: false });
      this.socket = ws;
      let open = false;
      ws.on('open', () => {
        open = true;
        resolve();
      });
      ws.on('error', (e) => {
        if (open) return;
        const c = classifyError(e, /timeout/i.test(e.message) ? 'connect_timeout' : 'connect_error');
        reject(new ClientOpError(c.kind, c.message));
      });
      ws.on('message', (data) => this.onMessage(String(data)));
      ws.on('close', (code, reason) => {
        this.failPending(`connection closed (${code})`);
        if (open && !this.closing) this.disconnectHandler?.(`close ${code}${reason.length ? ` ${String(reason)}` : ''}`);
      });
    });
  }

  emit(event: string, args: unknown[]): void {
    this.socket?.send(JSON.stringify({ e: event, a: args }));
  }

  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClientOpError('ack_timeout', `no ack for \`${event}\` within ${timeoutMs}ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket?.send(JSON.stringify({ e: event, a: args, id }));
    });
  }

  onEvent(handler: (event: string, args: unknown[]) => void): void {
    this.eventHandler = handler;
  }

  onDisconnect(handler: (reason: string) => void): void {
    this.disconnectHandler = handler;
  }

  close(): void {
    this.closing = true;
    this.failPending('client disconnected');
    this.socket?.close();
  }

  private onMessage(text: string): void {
    let msg: { e?: unknown; a?: unknown; ack?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    const args = Array.isArray(msg.a) ? msg.a : [];
    if (typeof msg.ack === 'number') {
      const p = this.pending.get(msg.ack);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(msg.ack);
        p.resolve(args);
      }
    } else if (typeof msg.e === 'string') {
      this.eventHandler?.(msg.e, args);
    }
  }

  private failPending(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ClientOpError('disconnected', reason));
      this.pending.delete(id);
    }
  }
}
