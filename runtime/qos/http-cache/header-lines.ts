/**
 * Why: the cache reads and rewrites header lists in two shapes — the
 * request's flat `[name, value, …]` strings and undici's raw Buffer lines —
 * always case-insensitively and keeping repeated lines; these helpers keep
 * that bookkeeping out of the caching logic.
 */

/** Every value of a header, in order, from a flat `[name, value, …]` list. */
export function headerValues(headers: readonly string[], lower: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === lower) out.push(headers[i + 1]!);
  return out;
}

export function hasHeader(headers: readonly string[], lower: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === lower) return true;
  return false;
}

/** The comma-separated list items of every line of a header, trimmed, empty items dropped. */
export function headerListItems(headers: readonly string[], lower: string): string[] {
  const out: string[] = [];
  for (const value of headerValues(headers, lower)) {
    for (const item of value.split(',')) {
      const t = item.trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

/** The lines whose (lower-case) name is not in `drop`. */
export function withoutHeaders(headers: readonly string[], drop: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (!drop.has(headers[i]!.toLowerCase())) out.push(headers[i]!, headers[i + 1]!);
  return out;
}

export function rawToStrings(raw: readonly Buffer[]): string[] {
  const out: string[] = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]!.toString('latin1');
  return out;
}

export function stringsToRaw(headers: readonly string[]): Buffer[] {
  const out: Buffer[] = new Array<Buffer>(headers.length);
  for (let i = 0; i < headers.length; i++) out[i] = Buffer.from(headers[i]!, 'latin1');
  return out;
}
