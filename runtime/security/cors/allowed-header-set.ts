/**
 * The allowed request headers of a CORS policy, checked the way rs/cors 1.11
 * checks `Access-Control-Request-Headers`.
 *
 * Configured names are compared lower-cased (so `Content-Type` in
 * `allow_headers` allows `content-type`). The request's list, however, is
 * taken as the Fetch standard says browsers send it — lower-case names,
 * sorted, each once, comma-separated — and is matched as sent: `Content-Type`
 * or `origin,content-type` is refused (rs/cors#176, #183: "working as
 * intended"). Tolerated, as RFC 9110 asks: one space or tab around each name,
 * up to 16 empty elements, and the list split over several header lines.
 */
const MAX_EMPTY_ELEMENTS = 16;

export class AllowedHeaderSet {
  /** name → its position in byte order. */
  private readonly positions = new Map<string, number>();

  constructor(names: readonly string[]) {
    const sorted = [...new Set(names.map((n) => n.toLowerCase()))].sort(byteOrder);
    sorted.forEach((name, i) => this.positions.set(name, i));
  }

  get size(): number {
    return this.positions.size;
  }

  /** Whether every element of the header lines is allowed, in strictly increasing order. */
  accepts(lines: readonly string[]): boolean {
    let last = -1;
    let empty = 0;
    for (const line of lines) {
      let start = 0;
      for (;;) {
        const comma = line.indexOf(',', start);
        const end = comma === -1 ? line.length : comma;
        const name = trimOneOws(line, start, end);
        if (name === undefined) return false;
        if (name === '') {
          if (++empty > MAX_EMPTY_ELEMENTS) return false;
        } else {
          const pos = this.positions.get(name);
          if (pos === undefined || pos <= last) return false;
          last = pos;
        }
        if (comma === -1) break;
        start = comma + 1;
      }
    }
    return true;
  }
}

/** The element between `start` and `end` with at most one space or tab cut from each side; more is refused. */
function trimOneOws(s: string, start: number, end: number): string | undefined {
  if (start < end && isOws(s.charCodeAt(start))) start++;
  if (start < end && isOws(s.charCodeAt(end - 1))) end--;
  if (start < end && (isOws(s.charCodeAt(start)) || isOws(s.charCodeAt(end - 1)))) return undefined;
  return s.slice(start, end);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
