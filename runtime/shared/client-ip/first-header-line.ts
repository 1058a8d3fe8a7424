/**
 * The first line of a request header, which is what Go's Header.Get returns.
 * Node joins repeated lines of most headers with ", " (X-Forwarded-For,
 * Origin, X-Authorization…), which would hand a right-to-left walk a hop from
 * a line Go never looks at.
 */
import type { IncomingMessage } from 'node:http';

/** `name` in lower case. Undefined when the header is absent (or was removed by an earlier middleware). */
export function firstHeaderLine(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return value[0];
  // Node joins with ", ", so a value without a comma is a single line.
  if (!value.includes(',')) return value;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && key.toLowerCase() === name) {
      const first = raw[i + 1]!;
      // Trust the raw line only while req.headers still holds what the wire sent.
      return value.startsWith(first) ? first : value;
    }
  }
  return value;
}
