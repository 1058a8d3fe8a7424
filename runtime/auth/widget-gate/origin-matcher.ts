/**
 * Whether an origin host is on the widget allowlist: an exact entry, or a
 * subdomain of one (the host ends with "." + entry). Case-sensitive and
 * literal, as in the Go gateway, so `evilhanzo.ai`, `hanzo.ai.evil.com`,
 * `HANZO.AI` and `hanzo.ai.` are all refused for `hanzo.ai`.
 */

export type OriginMatcher = (host: string) => boolean;

export function originMatcher(allowed: readonly string[]): OriginMatcher {
  const entries = new Set(allowed);
  return (host) => {
    if (entries.has(host)) return true;
    // host ends with "." + entry  ⇔  what follows one of its dots is an entry.
    for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      if (entries.has(host.slice(dot + 1))) return true;
    }
    return false;
  };
}
