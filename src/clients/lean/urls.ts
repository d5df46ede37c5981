/** The lean engine's target URLs (computed once per target and path through the caller's EngineMemo). */

/** `ws://host:port/<path>/?<target query>&EIO=4&transport=websocket`. */
export function engineUrl(target: string, path: string): string {
  const u = new URL(target);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  u.pathname = path.endsWith('/') ? path : `${path}/`;
  u.searchParams.set('EIO', '4');
  u.searchParams.set('transport', 'websocket');
  u.hash = '';
  return u.toString();
}

/** The namespace a socket.io-client URL names: its path, `/` when empty. */
export function namespaceOf(target: string): string {
  const p = new URL(target).pathname;
  return p === '' ? '/' : p;
}
