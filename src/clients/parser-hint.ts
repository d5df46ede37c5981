/**
 * The error sample of a Socket.IO connection whose Engine.IO handshake was answered but whose
 * Socket.IO CONNECT never was: what a packet-parser mismatch looks like (a server built with
 * socket.io-msgpack-parser cannot read the JSON parser's CONNECT, and the reverse; it closes the
 * connection or stays silent). Both Socket.IO engines say it the same way, the option first (an
 * error sample is cut at 300 characters).
 */
export function noConnectReply(o: { nsp: string; parser: 'json' | 'msgpack' | 'module'; closed: string | null; timeoutMs: number }): string {
  const fix =
    o.parser === 'json'
      ? "set `connect: { parser: 'msgpack' }` if the server runs socket.io-msgpack-parser (or engine 'socket.io' with `parser: <its module>`)"
      : o.parser === 'msgpack'
        ? "this client has `parser: 'msgpack'`; remove `connect.parser` if the server uses Socket.IO's default parser"
        : 'check that `connect.parser` is the module the server uses';
  const what = o.closed !== null ? `the connection ended: ${o.closed}` : `no reply within ${o.timeoutMs}ms`;
  return `Engine.IO handshake answered, Socket.IO CONNECT (namespace ${o.nsp}) not: a packet parser mismatch? ${fix} (${what})`;
}
