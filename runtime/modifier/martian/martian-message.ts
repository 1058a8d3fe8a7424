/**
 * What martian modifiers edit: a message's header lines (case-insensitive
 * names, repeated lines kept), and for a request its path with query and
 * its body. Requests and responses share the header operations, so one
 * compiled modifier serves either scope.
 */
export interface MartianMessage {
  kind: 'request' | 'response';
  headers: string[];
  /** Requests only: path and query as sent. */
  path?: string;
  /** A replacement body (body.Modifier); undefined keeps the original. */
  body?: Buffer;
}

export function getHeader(m: MartianMessage, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < m.headers.length; i += 2) if (m.headers[i]!.toLowerCase() === lower) return m.headers[i + 1];
  return undefined;
}

export function deleteHeader(m: MartianMessage, name: string): void {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i + 1 < m.headers.length; i += 2) if (m.headers[i]!.toLowerCase() !== lower) out.push(m.headers[i]!, m.headers[i + 1]!);
  m.headers = out;
}

export function setHeader(m: MartianMessage, name: string, value: string): void {
  deleteHeader(m, name);
  m.headers.push(name, value);
}

export function appendHeader(m: MartianMessage, name: string, value: string): void {
  m.headers.push(name, value);
}

export function queryOf(m: MartianMessage): URLSearchParams {
  const path = m.path ?? '';
  const q = path.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : path.slice(q + 1));
}

export function setQuery(m: MartianMessage, params: URLSearchParams): void {
  const path = m.path ?? '';
  const q = path.indexOf('?');
  const base = q === -1 ? path : path.slice(0, q);
  const text = params.toString();
  m.path = text === '' ? base : `${base}?${text}`;
}
