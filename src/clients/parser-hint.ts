/**
 * The error sample of a Socket.IO connection whose Engine.IO handshake was answered but whose
 * Socket.IO CONNECT never was: what a packet-parser mismatch looks like (a server built with
 * socket.io-msgpack-parser cannot read the JSON parser's CONNECT, and the reverse; it closes the
 * connection or stays silent). Both Socket.IO engines say it the same way and name the option.
 */
export function noConnectReply(o: { nsp: string; parser: 'json' | 'msgpack' | 'module'; closed: string | null; timeoutMs: number }): string {
  const what = o.closed !== null ? `the connection ended instead: ${o.closed}` : `no reply within ${o.timeoutMs}ms`;
  const fix =
    o.parser === 'json'
      ? "if the server runs socket.io-msgpack-parser, set `connect: { parser: 'msgpack' }`; for another parser use engine 'socket.io' with `connect: { parser: <the module> }`"
      : o.parser === 'msgpack'
        ? "the server may use Socket.IO's default JSON parser: remove `connect.parser`, or set the server's own parser module"
        : 'check that `connect.parser` is the module the server uses';
  const mine = o.parser === 'json' ? "Socket.IO's default JSON parser" : o.parser === 'msgpack' ? "`parser: 'msgpack'`" : 'the `connect.parser` module';
  return `the server answered the Engine.IO handshake but not the Socket.IO CONNECT of namespace ${o.nsp} (${what}): a packet parser mismatch? This client speaks ${mine}; ${fix}`;
}
