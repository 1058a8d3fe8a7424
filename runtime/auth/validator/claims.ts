/**
 * Reading claims the way krakend-jose does: a key is tried whole first (claim
 * names such as `http://example.com/custom` contain dots), then as a dot path
 * into nested objects. Values become text as Go's fmt prints them.
 */
export function claimAt(claims: object, path: string): unknown {
  const direct = (claims as Record<string, unknown>)[path];
  if (direct !== undefined) return direct;
  let v: unknown = claims;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

export function claimText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(claimText).join(',');
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
