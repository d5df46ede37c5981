/**
 * What engines compute once per target rather than per connection (parsed URLs, request heads, a
 * TLS context). Owned by whoever creates the transports (one per generator run) and passed down in
 * `TransportOptions.memo`, so nothing is cached at module level. Each kind keeps at most `limit`
 * entries (a run has a few distinct targets; a long-lived process with many is cleared, not grown).
 */
export class EngineMemo {
  private readonly kinds = new Map<string, Map<string, unknown>>();

  constructor(private readonly limit = 256) {}

  /** The value for (`kind`, `key`), made by `make` the first time. */
  get<T>(kind: string, key: string, make: () => T): T {
    let m = this.kinds.get(kind);
    if (m === undefined) this.kinds.set(kind, (m = new Map()));
    if (m.has(key)) return m.get(key) as T;
    const v = make();
    if (m.size >= this.limit) m.clear();
    m.set(key, v);
    return v;
  }
}
