import { createRequire } from 'node:module';

/**
 * Request heads parsed by Node's own llhttp binding — `HTTPParser` of the
 * builtin `_http_common`, the parser node:http runs — driven as
 * `_http_server.js` drives it (initialize, execute, the kOnHeaders /
 * kOnHeadersComplete callbacks), never by a parser of ours. Chosen over
 * undici's wasm llhttp because it is native (no wasm copy of every chunk) and
 * it is the very parser, version and strictness of the node:http path the
 * fast path hands over to: a head is accepted or refused identically on both.
 *
 * Only heads are parsed here. kOnHeadersComplete answers 2 — llhttp's "no
 * body, then pause as for an upgrade" — so execute() stops right after the
 * head and says how many bytes of the chunk it used; the caller frames the
 * body itself from the Content-Length llhttp has already checked, and
 * re-initialises the parser for the next head. Bounds: the head's bytes are
 * capped by `maxHeaderBytes` (llhttp's HPE_HEADER_OVERFLOW, as node:http's
 * maxHeaderSize), the header lines kept by node:http's own 2000-entry limit
 * (a head with more is the caller's to refuse).
 */
interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(data: Buffer): number | Error;
  finish(): Error | undefined;
  free(): void;
  close(): void;
  [callback: number]: unknown;
}

interface NativeParserClass {
  new (): NativeParser;
  REQUEST: number;
  kLenientNone: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}

const { HTTPParser, methods } = createRequire(import.meta.url)('_http_common') as { HTTPParser: NativeParserClass; methods: string[] };

/** node:http keeps at most this many rawHeaders entries (its parser's maxHeaderPairs default). */
export const MAX_HEADER_ENTRIES = 2000;

export interface RequestHead {
  method: string;
  url: string;
  versionMajor: number;
  versionMinor: number;
  /** Names and values as received, alternating (node:http's rawHeaders). */
  rawHeaders: string[];
  /** llhttp's view: an Upgrade (with Connection: upgrade) or CONNECT. */
  upgrade: boolean;
  /** llhttp's should_keep_alive: HTTP/1.1 without `Connection: close`. */
  keepAlive: boolean;
}

const RESOURCE = {};
const noop = (): void => undefined;

export class HeadParser {
  private readonly parser: NativeParser = new HTTPParser();
  /** Lines and URL handed over early (kOnHeaders, past 32 lines), joined at the end as _http_common does. */
  private lines: string[] = [];
  private url = '';
  /** The completed head, set by kOnHeadersComplete. */
  head: RequestHead | null = null;

  constructor(private readonly maxHeaderBytes: number) {
    const p = this.parser;
    p[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
      if (this.lines.length <= MAX_HEADER_ENTRIES) for (const h of headers) this.lines.push(h);
      this.url += url;
    };
    p[HTTPParser.kOnHeadersComplete] = (versionMajor: number, versionMinor: number, headers: string[] | undefined, method: number, url: string | undefined, _status: unknown, _message: unknown, upgrade: boolean, keepAlive: boolean) => {
      if (headers === undefined) headers = this.lines;
      if (url === undefined) url = this.url;
      this.head = { method: methods[method] ?? '', url, versionMajor, versionMinor, rawHeaders: headers, upgrade, keepAlive };
      // Stop after the head (llhttp's upgrade pause): execute() returns the offset of the first byte past it.
      return 2;
    };
    p[HTTPParser.kOnBody] = noop;
    p[HTTPParser.kOnMessageComplete] = noop;
    p[HTTPParser.kOnExecute] = noop;
    this.reset();
  }

  /** Ready for the next head. */
  reset(): void {
    this.parser.initialize(HTTPParser.REQUEST, RESOURCE, this.maxHeaderBytes, HTTPParser.kLenientNone);
    this.head = null;
    this.lines = [];
    this.url = '';
  }

  /**
   * Parses the next piece of a head: the number of bytes of `chunk` the head
   * used once it is complete (then `head` is set), -1 while it needs more,
   * or llhttp's error for a head it refuses (too long, malformed).
   */
  execute(chunk: Buffer): number | Error {
    const used = this.parser.execute(chunk);
    if (used instanceof Error) return used;
    // A callback that threw leaves the binding with no count: treat the head as refused (node:http re-parses it).
    if (typeof used !== 'number') return new Error('llhttp callback failed');
    return this.head === null ? -1 : used;
  }

  /** The client closed: llhttp's verdict on what it saw (an error for a head cut short). */
  finish(): Error | undefined {
    const r = this.parser.finish();
    return r instanceof Error ? r : undefined;
  }

  close(): void {
    this.parser.close();
  }
}
