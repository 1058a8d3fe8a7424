import type { ProxyResponse } from '../../core/pipe/proxy.js';
import { canonicalHeaderKey } from '../../shared/headers/canonical-header-key.js';
import { LuaList, LuaTable } from './lua-values.js';
import { headerLines, headerMap } from './lua-request.js';

/**
 * krakend-lua's `response` object over a proxy answer: `isComplete`,
 * `statusCode`, `data` (a luaTable editing the answer in place), `headers`,
 * `headerList` and `body` (a no-op backend's raw body). `finish()` writes
 * header and body changes back.
 */
export class LuaResponse {
  private readonly headerValues: Record<string, string[]>;
  private bodyText: string | undefined;

  constructor(private readonly r: ProxyResponse) {
    this.headerValues = headerMap(r.metadata?.headers ?? []);
  }

  isComplete(...args: unknown[]): unknown {
    if (args.length === 0) return this.r.isComplete;
    this.r.isComplete = args[0] === true;
    return undefined;
  }

  statusCode(...args: unknown[]): unknown {
    if (args.length === 0) return this.r.metadata?.status ?? 0;
    const status = Number(args[0]);
    if (!Number.isInteger(status) || status < 100 || status > 999) throw new Error(`invalid status code ${String(args[0])}`);
    this.r.metadata = { status, headers: this.r.metadata?.headers ?? [] };
    return undefined;
  }

  data(): LuaTable {
    return new LuaTable(this.r.data);
  }

  headers(...args: unknown[]): unknown {
    if (args.length === 0) throw new Error('need arguments');
    const key = canonicalHeaderKey(String(args[0]));
    if (args.length === 1) return this.headerValues[key]?.[0] ?? '';
    if (args[1] === undefined || args[1] === null) delete this.headerValues[key];
    else this.headerValues[key] = [String(args[1])];
    return undefined;
  }

  headerList(...args: unknown[]): unknown {
    if (args.length === 0) throw new Error('need arguments');
    const key = canonicalHeaderKey(String(args[0]));
    if (args.length === 1) return new LuaList([...(this.headerValues[key] ?? [])]);
    if (!(args[1] instanceof LuaList)) throw new Error('invalid header value, must be a luaList');
    this.headerValues[key] = args[1].data.map((v) => String(v));
    return undefined;
  }

  body(...args: unknown[]): unknown {
    if (args.length === 0) return this.bodyText ?? this.r.raw?.toString('utf8') ?? '';
    this.bodyText = String(args[0]);
    return undefined;
  }

  /** Writes header and body edits back into the answer. */
  finish(): void {
    if (this.r.metadata || Object.keys(this.headerValues).length > 0) {
      this.r.metadata = { status: this.r.metadata?.status ?? 0, headers: headerLines(this.headerValues) };
    }
    if (this.bodyText !== undefined) this.r.raw = Buffer.from(this.bodyText);
  }
}
