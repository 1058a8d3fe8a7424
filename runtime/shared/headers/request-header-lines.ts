import type { IncomingMessage } from 'node:http';

/**
 * A request header as Go's `http.Header` keeps it: every line, in the order
 * received. Node's `req.headers` joins repeated unknown headers with `", "`
 * (and keeps only the first of some), so `Origin: a` + `Origin: b` would read
 * as `a, b`; Go's `Header.Get` sees `a` and `Header["Origin"]` sees both.
 * These read `rawHeaders` instead. `lowerName` must be lower case.
 */
export function requestHeaderLines(req: IncomingMessage, lowerName: string): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) out.push(raw[i + 1]!);
  }
  return out;
}

/** Go's `Header.Get`: the first line's value, or `''` when the header is absent. */
export function firstRequestHeader(req: IncomingMessage, lowerName: string): string {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1]!;
  }
  return '';
}

/**
 * The header's one line, where a repeat makes the request suspect: undefined
 * when absent, null when it comes more than once (Node's `req.headers` would
 * join the lines, or keep the first). A scan of rawHeaders, so the hot path
 * never makes Node build `req.headers`.
 */
export function soleRequestHeader(req: IncomingMessage, lowerName: string): string | undefined | null {
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    if (value !== undefined) return null;
    value = raw[i + 1]!;
  }
  return value;
}
