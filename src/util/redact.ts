/**
 * Redaction of what a run shows or stores: every query value of every URL (and of a scenario's
 * `connect.query`) is replaced by `REDACTED`, and credentials in a URL too, unless the user named
 * the parameter safe (`--show-query name,…`). Names of parameters stay: they say what was sent.
 */

/** The placeholder of a hidden value. */
export const REDACTED = 'REDACTED';

/** Names a user declared safe to show (`--show-query`), as a set; case-sensitive, as query names are. */
export type ShownQuery = ReadonlySet<string>;

/** `--show-query a,b` (or an array of names from the API) as a set of names; empty names dropped. */
export function showQueryNames(v: string | readonly string[] | undefined): ShownQuery {
  const list = v === undefined ? [] : typeof v === 'string' ? v.split(',') : v.flatMap((x) => String(x).split(','));
  return new Set(list.map((x) => x.trim()).filter(Boolean));
}

/** The query string (without `?`) with every value not shown replaced; names, order and empty values kept. */
export function redactQuery(search: string, show: ShownQuery = new Set()): string {
  const q = search.startsWith('?') ? search.slice(1) : search;
  if (!q) return q;
  return q
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair; // a bare name carries no value
      const rawName = pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: the name as written
      }
      return show.has(name) || show.has(rawName) ? pair : `${rawName}=${REDACTED}`;
    })
    .join('&');
}

/** A scenario's `connect.query` for display: each value replaced unless shown. */
export function redactQueryObject(query: Readonly<Record<string, unknown>>, show: ShownQuery = new Set()): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, show.has(k) ? String(v) : REDACTED]));
}

/**
 * A URL with a scheme, up to white space or a character a URL cannot hold unescaped (`"`, `<`,
 * `>`, a backtick). A `'` can be part of a query value, so it does not end the URL: a URL quoted
 * in single quotes loses its closing quote with its last value, the safe side.
 */
const URL_RE = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"<>`]+)/gi;

/** Remove credentials and every query value (unless shown) from the URLs found in `s`. Never throws. */
export function redactUrls(s: string, show: ShownQuery = new Set()): string {
  return s.replace(URL_RE, (_all, scheme: string, rest: string) => {
    // credentials: anything before the first @ of the authority
    let out = rest;
    const authorityEnd = out.search(/[/?#]/);
    const authority = authorityEnd < 0 ? out : out.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    if (at >= 0) out = `${REDACTED}@${out.slice(at + 1)}`;
    // a fragment of name=value pairs (`#access_token=…`) is redacted like a query
    const hash = out.indexOf('#');
    // (a `?` is prefixed for redactQuery to strip: a leading `?` of the text itself is part of it)
    const fragment = hash < 0 ? '' : `#${redactQuery(`?${out.slice(hash + 1)}`, show)}`;
    const beforeHash = hash < 0 ? out : out.slice(0, hash);
    const qi = beforeHash.indexOf('?');
    if (qi < 0) return `${scheme}${beforeHash}${fragment}`;
    return `${scheme}${beforeHash.slice(0, qi)}?${redactQuery(`?${beforeHash.slice(qi + 1)}`, show)}${fragment}`;
  });
}

/** Deep-copy a JSON value with every string's URLs redacted (`redactUrls`). */
export function redactDeep<T>(v: T, show: ShownQuery = new Set()): T {
  return JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === 'string' ? redactUrls(x, show) : x)) as T;
}
