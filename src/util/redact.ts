/** Query parameters whose values are taken for credentials or tokens. */
const SECRET_PARAM = /^(token|access_token|auth|authorization|key|api_key|apikey|secret|password|pass|pwd|sig|signature|session|sid)$/i;

/** Remove credentials and token-like query parameters from URLs found in `s`. */
export function redactUrls(s: string): string {
  return s.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (raw) => {
    try {
      const u = new URL(raw);
      let changed = false;
      if (u.username || u.password) {
        u.username = 'REDACTED';
        u.password = '';
        changed = true;
      }
      for (const k of [...u.searchParams.keys()]) {
        if (SECRET_PARAM.test(k)) {
          u.searchParams.set(k, 'REDACTED');
          changed = true;
        }
      }
      return changed ? u.toString() : raw;
    } catch {
      return raw;
    }
  });
}
