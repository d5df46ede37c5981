import type { Socket as NetSocket } from 'node:net';
import WebSocket from 'ws';
import { classifyError } from './classify.ts';
import { withQuery } from './connect-options.ts';
import { ClientOpError, type RawMessage, type Transport, type TransportOptions } from './types.ts';

interface Pending {
  event: string;
  resolve: (args: unknown[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The `ws` engine: a raw WebSocket. By default it speaks the reference app's JSON protocol:
 * events `{"e":name,"a":[...args]}`, acked events add `"id":n`, answered by `{"ack":n,"a":[...]}`.
 * Every other frame (any protocol: JSON-RPC, binary…) goes to the raw handler (`onRaw`), and
 * `sendRaw` sends frames as they are. With `protocol: 'raw'` no frame is read as the reference
 * protocol: an app whose own frames look like `{"e":…,"a":[…]}` gets all of them raw. The URL is the target's path (else the scenario's `path`)
 * with the target's and the connect options' query; the connect options' headers go on the upgrade.
 */
export class WsTransport implements Transport {
  private socket: WebSocket | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private eventHandler: ((event: string, args: unknown[]) => void) | null = null;
  private disconnectHandler: ((reason: string) => void) | null = null;
  private rawHandler: ((message: RawMessage, json: unknown) => void) | null = null;
  private closing = false;
  /** The error that ended an open connection (a protocol error: bad opcode, RSV bits, bad UTF-8…), kept as the reason. */
  private fault: string | null = null;

  constructor(private readonly opts: TransportOptions) {}

  connect(timeoutMs: number): Promise<void> {
    const c = this.opts.connect;
    const url = new URL(this.opts.target);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    const targetPath = url.pathname.replace(/\/+$/, '');
    url.pathname = targetPath || this.opts.path;
    url.search = '';
    const href = c?.hasQuery ? withQuery(url.toString(), c.query) : url.toString();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(href, {
        ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}),
        handshakeTimeout: timeoutMs,
        perMessageDeflate: false,
        ...(c?.hasHeaders ? { headers: c.headers } : {}),
      });
      this.socket = ws;
      let open = false;
      ws.on('open', () => {
        open = true;
        resolve();
      });
      let refused: string | null = null;
      ws.on('unexpected-response', (_req, res) => {
        // a refused upgrade (401, 403…): keep the server's status and reason as the error sample
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 200) body += d;
        });
        res.on('end', () => {
          // the path (never the query: it may carry a token) tells a wrong path (404) from a refusal
          refused = `handshake refused: HTTP ${res.statusCode ?? 0}${body.trim() ? ` ${body.trim().slice(0, 200)}` : res.statusMessage ? ` ${res.statusMessage}` : ''} (upgrade at ${url.pathname})`;
          ws.terminate();
        });
      });
      ws.on('error', (e) => {
        if (open) return void (this.fault ??= e.message);
        if (refused !== null) return reject(new ClientOpError('connect_error', refused));
        const k = classifyError(e, /timeout/i.test(e.message) ? 'connect_timeout' : 'connect_error');
        reject(new ClientOpError(k.kind, k.message));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) this.rawHandler?.(toBuffer(data), undefined);
        else this.onMessage(String(data));
      });
      ws.on('close', (code, reason) => {
        if (!open) reject(new ClientOpError('connect_error', refused ?? `connection closed during the handshake (${code})`));
        const why = this.fault !== null ? `${this.fault} (close ${code})` : `close ${code}${reason.length ? ` ${String(reason)}` : ''}`;
        this.failPending(this.closing ? 'client disconnected' : why);
        if (open && !this.closing) this.disconnectHandler?.(why);
      });
    });
  }

  emit(event: string, args: unknown[]): void {
    this.refuseRaw('emit');
    this.socket?.send(JSON.stringify({ e: event, a: args }));
  }

  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    this.refuseRaw('emitWithAck');
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClientOpError('ack_timeout', `no ack for \`${event}\` within ${timeoutMs}ms`));
      }, timeoutMs);
      this.pending.set(id, { event, resolve, reject, timer });
      this.socket?.send(JSON.stringify({ e: event, a: args, id }));
    });
  }

  sendRaw(data: string | Uint8Array): void {
    this.socket?.send(data);
  }

  /** The TCP socket under the WebSocket (network faults); null before the upgrade or after the close. */
  netSocket(): NetSocket | null {
    const ws = this.socket as unknown as { readyState: number; _socket?: NetSocket | null } | null;
    return ws !== null && ws.readyState === WebSocket.OPEN ? (ws._socket ?? null) : null;
  }

  onEvent(handler: (event: string, args: unknown[]) => void): void {
    this.eventHandler = handler;
  }

  onRaw(handler: (message: RawMessage, json: unknown) => void): void {
    this.rawHandler = handler;
  }

  onDisconnect(handler: (reason: string) => void): void {
    this.disconnectHandler = handler;
  }

  close(): void {
    this.closing = true;
    this.failPending('client disconnected');
    this.socket?.close();
  }

  /** With `protocol: 'raw'` the reference protocol's calls are a mistake: say so (a session error) rather than time out. */
  private refuseRaw(call: string): void {
    if (this.opts.protocol === 'raw') {
      throw new TypeError(
        `client.${call}() speaks rtbench's reference protocol, which \`protocol: 'raw'\` turns off: send your own frames with client.send(data) or client.request(data, match)`,
      );
    }
  }

  /**
   * A text frame: a reference-protocol event (`{"e":string,"a":[…]}`) or the ack of a pending
   * `emitWithAck` (`{"ack":n,"a":[…]}`) is consumed as such; anything else is raw.
   */
  private onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.rawHandler?.(text, undefined);
      return;
    }
    if (msg !== null && typeof msg === 'object' && this.opts.protocol !== 'raw') {
      const m = msg as { e?: unknown; a?: unknown; ack?: unknown };
      if (Array.isArray(m.a)) {
        if (typeof m.ack === 'number') {
          const p = this.pending.get(m.ack);
          if (p) {
            clearTimeout(p.timer);
            this.pending.delete(m.ack);
            p.resolve(m.a);
            return;
          }
        } else if (typeof m.e === 'string') {
          this.eventHandler?.(m.e, m.a);
          return;
        }
      }
    }
    this.rawHandler?.(text, msg);
  }

  private failPending(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ClientOpError('disconnected', `connection closed before the ack of \`${p.event}\`: ${reason}`));
      this.pending.delete(id);
    }
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
