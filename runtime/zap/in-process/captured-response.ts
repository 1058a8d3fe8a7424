import { ServerResponse, type IncomingMessage } from 'node:http';

/**
 * A ServerResponse whose head is handed over as fields and whose body goes
 * out unframed, for an exchange that never touches a wire.
 *
 * Everything a handler calls is Node's own: header validation, the implicit
 * head, `Content-Length` for a body ended in one call, no body for HEAD, 204
 * and 304. Only the last step differs: when Node has composed the head (the
 * exact lines an HTTP client would read, Date and framing included) it is
 * parsed back into fields and reported through `onHead` instead of being
 * written, and chunked framing is switched off, so what reaches the socket
 * is the body's bytes alone. Interim answers (100, 102, 103) are dropped:
 * ZAP has no frame for them, and the HTTP client the listeners used before
 * skipped them too.
 *
 * This leans on three long-standing OutgoingMessage internals (`_storeHeader`,
 * `_header`, `_headerSent`) and the public `chunkedEncoding`; the in-process
 * tests fail loudly if a Node upgrade moves them.
 */
export interface CapturedHead {
  status: number;
  /** Lower-cased names, the lines of one name together in first-seen order; connection-level lines left out. */
  headers: Array<[string, string]>;
  /** The stated Content-Length; undefined when the answer has none (chunked, an event stream). */
  length: number | undefined;
}

interface OutgoingInternals {
  _header: string | null;
  _headerSent: boolean;
  _storeHeader(firstLine: string, headers: unknown): void;
}

const storeHeader = (ServerResponse.prototype as unknown as OutgoingInternals)._storeHeader;

/** Lines about this one connection, not the answer (what an HTTP client drops too); Content-Length becomes `length`. */
const CONNECTION_LINES = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'content-length']);

export class CapturedResponse extends ServerResponse {
  constructor(
    req: IncomingMessage,
    private readonly onHead: (head: CapturedHead) => void,
  ) {
    super(req);
  }

  /** Called by Node once the head is final (writeHead, or the implicit head of a first write or end). */
  _storeHeader(firstLine: string, headers: unknown): void {
    storeHeader.call(this, firstLine, headers);
    const self = this as unknown as OutgoingInternals;
    const head = parseHead(self._header!, this.statusCode);
    // The head leaves as fields, never as bytes; the body unframed.
    self._headerSent = true;
    this.chunkedEncoding = false;
    this.onHead(head);
  }

  override writeContinue(): void {}

  override writeProcessing(): void {}

  override writeEarlyHints(_hints: Record<string, string | string[]>, cb?: () => void): void {
    if (cb) process.nextTick(cb);
  }
}

/**
 * The head Node composed: `HTTP/1.1 <status> <reason>` then `Name: value`
 * lines. Node wrote every line itself and refuses CR/LF in names and values,
 * so splitting at CRLF and at the first `: ` is exact.
 */
function parseHead(text: string, status: number): CapturedHead {
  const byName = new Map<string, string[]>();
  let length: number | undefined;
  let at = text.indexOf('\r\n') + 2;
  for (let end = text.indexOf('\r\n', at); end > at; at = end + 2, end = text.indexOf('\r\n', at)) {
    const colon = text.indexOf(': ', at);
    const name = text.slice(at, colon).toLowerCase();
    const value = text.slice(colon + 2, end);
    if (name === 'content-length') length = /^\d+$/.test(value) ? Number(value) : undefined;
    if (CONNECTION_LINES.has(name)) continue;
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  const headers: Array<[string, string]> = [];
  for (const [name, values] of byName) for (const v of values) headers.push([name, v]);
  return { status, headers, length };
}
