/**
 * Where `--output prometheus=…` sends, and how it authenticates: a pure parse of the spec and the
 * environment (no lookup, no connection), so any URL a user gives is accepted as given.
 *
 * Grammar (k6-like):
 *   prometheus=URL[,header=Name:Value]...
 *   URL             http:// or https://; `user:password@` in it becomes HTTP Basic auth
 *   RTBENCH_PROMETHEUS_HEADERS   `Name: Value` pairs, one per line or separated by `,` before the next `Name:`
 *   RTBENCH_PROMETHEUS_USERNAME / RTBENCH_PROMETHEUS_PASSWORD   Basic auth (when the URL has none)
 * A header given in the spec wins over the same header from the environment.
 */

/** A Prometheus remote-write endpoint, ready to send to. */
export interface PrometheusTarget {
  /** The URL to POST to, without userinfo. */
  url: string;
  /** Extra request headers (Authorization included when Basic auth is used). */
  headers: Record<string, string>;
  /** Where the samples go, for messages: no password, no header value, no query values. */
  display: string;
  /** How it authenticates, by name only (e.g. `Basic auth; headers X-Scope-OrgID`), or ''. */
  auth: string;
}

/** Headers the remote-write protocol sets itself: a user may not replace them. */
const PROTOCOL_HEADERS = ['content-type', 'content-encoding', 'content-length', 'x-prometheus-remote-write-version', 'host', 'user-agent'];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `Name:Value` → [name, value], or a problem. */
function header(raw: string, from: string): [string, string] | string {
  const colon = raw.indexOf(':');
  const name = colon > 0 ? raw.slice(0, colon).trim() : '';
  const value = colon > 0 ? raw.slice(colon + 1).trim() : '';
  if (!TOKEN.test(name) || !value) return `${from}: \`${redactHeader(raw)}\` is not Name:Value (e.g. X-Scope-OrgID:tenant1)`;
  if (/[\r\n\0]/.test(value)) return `${from}: header ${name} has a line break in its value`;
  if (PROTOCOL_HEADERS.includes(name.toLowerCase())) return `${from}: header ${name} is set by the remote-write protocol and cannot be replaced`;
  return [name, value];
}

const redactHeader = (raw: string): string => raw.replace(/:.*/s, ':…');

/** The pairs of RTBENCH_PROMETHEUS_HEADERS: one per line, or comma-separated before the next `Name:`. */
function envHeaders(raw: string): string[] {
  return raw
    .split(/\r?\n|,(?=\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*:)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The URL as shown to people: scheme, host, path; userinfo dropped, query values hidden. */
export function redactUrl(u: URL): string {
  const query = u.search ? `?${[...u.searchParams.keys()].map((k) => `${k}=…`).join('&')}` : '';
  return `${u.protocol}//${u.host}${u.pathname}${query}`;
}

/**
 * Parse `URL[,header=Name:Value]...` with the environment's headers and credentials. Pure: it never
 * resolves the host or connects. Returns the target, or every problem found.
 */
export function parsePrometheusTarget(where: string, env: Readonly<Record<string, string | undefined>>): PrometheusTarget | { problems: string[] } {
  const problems: string[] = [];
  const [rawUrl = '', ...opts] = where.split(/,(?=[a-zA-Z]+=)/);
  let u: URL;
  try {
    u = new URL(rawUrl);
  } catch {
    return { problems: [`\`${rawUrl.replace(/\/\/[^/@]*@/, '//…@')}\` is not a URL (e.g. https://prometheus.example.com/api/v1/write)`] };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`${redactUrl(u)} must be http:// or https://`);
  const headers = new Map<string, [string, string]>(); // lower-case name → [name, value]
  for (const h of envHeaders(env.RTBENCH_PROMETHEUS_HEADERS ?? '')) {
    const got = header(h, 'RTBENCH_PROMETHEUS_HEADERS');
    if (typeof got === 'string') problems.push(got);
    else headers.set(got[0].toLowerCase(), got);
  }
  for (const opt of opts) {
    const eq = opt.indexOf('=');
    const key = opt.slice(0, eq);
    if (key !== 'header') {
      problems.push(`\`${key}=\` is not an option of the prometheus output (only header=Name:Value)`);
      continue;
    }
    const got = header(opt.slice(eq + 1), 'header=');
    if (typeof got === 'string') problems.push(got);
    else headers.set(got[0].toLowerCase(), got);
  }
  const user = u.username ? decodeURIComponent(u.username) : (env.RTBENCH_PROMETHEUS_USERNAME ?? '');
  const password = u.username || u.password ? decodeURIComponent(u.password) : (env.RTBENCH_PROMETHEUS_PASSWORD ?? '');
  const basic = Boolean(user || password);
  if (basic && headers.has('authorization'))
    problems.push('both Basic auth (user:password in the URL or RTBENCH_PROMETHEUS_USERNAME) and an Authorization header are given: keep one');
  if (problems.length) return { problems };
  if (basic) headers.set('authorization', ['Authorization', `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`]);
  u.username = '';
  u.password = '';
  const names = [...headers.values()].map(([n]) => n);
  const auth = basic ? ['Basic auth'] : [];
  const extra = names.filter((n) => !(basic && n === 'Authorization'));
  const notes = [...auth, ...(extra.length ? [`header${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`] : [])];
  return {
    url: u.href,
    headers: Object.fromEntries(headers.values()),
    display: redactUrl(u),
    auth: notes.join('; '),
  };
}
