import { STATUS_CODES, validateHeaderName, validateHeaderValue, type OutgoingHttpHeaders } from 'node:http';

/**
 * A response head byte for byte as node:http's ServerResponse writes it for
 * an HTTP/1.1 request (`_storeHeader` in Node 20's _http_outgoing.js): the
 * status line with Node's reason phrase, the given lines in order (validated
 * as writeHead validates them, so a bad one throws the same error), then what
 * Node adds — `Date` unless given, `Connection: keep-alive` + `Keep-Alive:
 * timeout=N` or `Connection: close` unless a Connection line was given, and
 * `Transfer-Encoding: chunked` for a body of unknown length. The fast path's
 * answers must not differ from the node:http path's; a test compares the two.
 */
export interface HeadFacts {
  /** The request and the server allow the connection to persist (res.shouldKeepAlive). */
  keepAlive: boolean;
  /** The server's keepAliveTimeout, in ms (0: no Keep-Alive line). */
  keepAliveTimeoutMs: number;
  /** False for HEAD requests and 1xx/204/304 answers: nothing after the head. */
  hasBody: boolean;
  /** The status line's reason, when not Node's own for the code. */
  reason?: string;
  /** The body's length when `end(body)` wrote the head (Node's `_contentLength`), else null. */
  contentLength?: number | null;
  /** False once `Date` was removed with removeHeader. */
  sendDate?: boolean;
  /** Names removeHeader took away that Node would otherwise add itself. */
  removed?: { connection: boolean; contentLength: boolean; transferEncoding: boolean };
}

export interface RenderedHead {
  text: string;
  /** The body goes out in chunked framing. */
  chunked: boolean;
  /** The connection closes after this answer (Node's `_last`). */
  last: boolean;
  hasBody: boolean;
}

/** Header lines as writeHead takes them: a flat list, a list of pairs, or an object. */
export type GivenHeaders = readonly unknown[] | OutgoingHttpHeaders;

/**
 * `lines` are the given headers when nothing was set with setHeader (they are
 * validated, as writeHead validates them), or the response's stored
 * `[name, value]` entries, already validated when they were set.
 */
export function renderHead(status: number, lines: GivenHeaders | Iterable<readonly [string, unknown]> | undefined, stored: boolean, facts: HeadFacts): RenderedHead {
  const code = status | 0;
  if (code < 100 || code > 999) throw Object.assign(new RangeError(`Invalid status code: ${status}`), { code: 'ERR_HTTP_INVALID_STATUS_CODE' });
  const state: HeadState = { text: `HTTP/1.1 ${code} ${facts.reason ?? STATUS_CODES[code] ?? 'unknown'}\r\n`, connection: false, contLen: false, te: false, date: false, last: false, keepAlive: facts.keepAlive, defaultKeepAlive: true };
  let hasBody = facts.hasBody;
  if (code === 204 || code === 304 || code < 200) hasBody = false;
  if (stored) {
    for (const [name, value] of lines as Iterable<readonly [string, unknown]>) line(state, name, value, false);
  } else if (Array.isArray(lines)) {
    if (lines.length > 0 && Array.isArray(lines[0])) {
      for (const pair of lines as ReadonlyArray<readonly [string, unknown]>) line(state, pair[0], pair[1], true);
    } else {
      if (lines.length % 2 !== 0) throw Object.assign(new TypeError("The argument 'headers' is invalid"), { code: 'ERR_INVALID_ARG_VALUE' });
      for (let i = 0; i < lines.length; i += 2) line(state, lines[i] as string, lines[i + 1], true);
    }
  } else if (lines) {
    const given = lines as OutgoingHttpHeaders;
    for (const key of Object.keys(given)) line(state, key, given[key], true);
  }
  let text = state.text;
  if (facts.sendDate !== false && !state.date) text += `Date: ${utcDate()}\r\n`;
  const removed = facts.removed;
  if (removed?.connection) {
    state.last = !state.keepAlive;
  } else if (!state.connection) {
    if (state.keepAlive) {
      text += 'Connection: keep-alive\r\n';
      if (facts.keepAliveTimeoutMs > 0 && state.defaultKeepAlive) text += `Keep-Alive: timeout=${Math.floor(facts.keepAliveTimeoutMs / 1000)}\r\n`;
    } else {
      state.last = true;
      text += 'Connection: close\r\n';
    }
  }
  let chunked = false;
  if (!state.contLen && !state.te && hasBody) {
    if (!removed?.contentLength && typeof facts.contentLength === 'number') {
      text += `Content-Length: ${facts.contentLength}\r\n`;
    } else if (!removed?.transferEncoding) {
      text += 'Transfer-Encoding: chunked\r\n';
      chunked = true;
    } else {
      // Neither framing header: the body runs to the end of the connection.
      state.last = true;
    }
  }
  return { text: `${text}\r\n`, chunked, last: state.last, hasBody };
}

interface HeadState {
  text: string;
  connection: boolean;
  contLen: boolean;
  te: boolean;
  date: boolean;
  last: boolean;
  keepAlive: boolean;
  defaultKeepAlive: boolean;
}

/** Node's processHeader + matchHeader for one line (arrays of values: one line each). */
function line(state: HeadState, name: string, value: unknown, validate: boolean): void {
  if (validate) validateHeaderName(name);
  if (Array.isArray(value)) {
    // As Node: one line per value, except a Cookie list, which is joined.
    if (value.length < 2 || name.length !== 6 || name.toLowerCase() !== 'cookie') {
      for (const v of value) line(state, name, v, validate);
      return;
    }
    value = value.join('; ');
  }
  if (validate) validateHeaderValue(name, value as string);
  state.text += `${name}: ${value as string}\r\n`;
  if (name.length < 4 || name.length > 17) return;
  switch (name.toLowerCase()) {
    case 'connection':
      state.connection = true;
      if (/(?:^|\W)close(?:$|\W)/i.test(String(value))) state.last = true;
      else state.keepAlive = true;
      break;
    case 'transfer-encoding':
      state.te = true;
      break;
    case 'content-length':
      state.contLen = true;
      break;
    case 'date':
      state.date = true;
      break;
    case 'keep-alive':
      state.defaultKeepAlive = false;
      break;
  }
}

/** Node's utcDate(): the Date value made at most once a second. */
let dateCache: string | undefined;

function utcDate(): string {
  if (dateCache === undefined) {
    const d = new Date();
    dateCache = d.toUTCString();
    setTimeout(resetDate, 1000 - d.getMilliseconds()).unref();
  }
  return dateCache;
}

function resetDate(): void {
  dateCache = undefined;
}
