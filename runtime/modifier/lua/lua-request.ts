import { canonicalHeaderKey } from '../../shared/headers/canonical-header-key.js';
import { LuaList, LuaTable } from './lua-values.js';

/**
 * krakend-lua's `request` object: `method`, `path`, `query`, `url`,
 * `params`, `headers`, `headerList` and `body`, each a getter without a
 * value and a setter with one (`headers(k, nil)` deletes). It works on a
 * plain state the caller reads back, so the same object serves the
 * endpoint's request and a backend's.
 */
export interface RequestState {
  method: string;
  path: string;
  /** Encoded query string, without `?`. */
  query: string;
  /** The backend URL (empty at the endpoint, as Lura's request has none there). */
  url: string;
  params: Record<string, string>;
  /** Canonical header name → values. */
  headers: Record<string, string[]>;
  body: string;
  /** What the script changed, for the caller to apply. */
  changed: Set<'method' | 'path' | 'query' | 'url' | 'params' | 'headers' | 'body'>;
}

export class LuaRequest {
  constructor(private readonly s: RequestState) {}

  /** A plain getter/setter: no value reads, one value writes. */
  private field(name: 'method' | 'path' | 'query' | 'url' | 'body', args: unknown[]): unknown {
    if (args.length === 0) return this.s[name];
    this.s[name] = String(args[0]);
    this.s.changed.add(name);
    return undefined;
  }

  method(...args: unknown[]): unknown {
    return this.field('method', args);
  }

  path(...args: unknown[]): unknown {
    return this.field('path', args);
  }

  query(...args: unknown[]): unknown {
    return this.field('query', args);
  }

  url(...args: unknown[]): unknown {
    return this.field('url', args);
  }

  params(...args: unknown[]): unknown {
    if (args.length === 0) return new LuaTable(this.s.params);
    const key = String(args[0]);
    if (args.length === 1) return this.s.params[key] ?? '';
    this.s.params[key] = String(args[1]);
    this.s.changed.add('params');
    return undefined;
  }

  headers(...args: unknown[]): unknown {
    if (args.length === 0) return new LuaTable(this.s.headers);
    const key = canonicalHeaderKey(String(args[0]));
    if (args.length === 1) return this.s.headers[key]?.[0] ?? '';
    if (args[1] === undefined || args[1] === null) delete this.s.headers[key];
    else this.s.headers[key] = [String(args[1])];
    this.s.changed.add('headers');
    return undefined;
  }

  headerList(...args: unknown[]): unknown {
    if (args.length === 0) throw new Error('need arguments');
    const key = canonicalHeaderKey(String(args[0]));
    if (args.length === 1) return new LuaList([...(this.s.headers[key] ?? [])]);
    if (!(args[1] instanceof LuaList)) throw new Error('invalid header value, must be a luaList');
    this.s.headers[key] = args[1].data.map((v) => String(v));
    this.s.changed.add('headers');
    return undefined;
  }

  body(...args: unknown[]): unknown {
    return this.field('body', args);
  }
}

/** Header lines → canonical name → values. */
export function headerMap(lines: readonly string[]): Record<string, string[]> {
  // Null prototype: a header named `__proto__` is just a key.
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (let i = 0; i + 1 < lines.length; i += 2) (out[canonicalHeaderKey(lines[i]!)] ??= []).push(lines[i + 1]!);
  return out;
}

/** The map back to lines, in the map's order. */
export function headerLines(map: Readonly<Record<string, string[]>>): string[] {
  const out: string[] = [];
  for (const [name, values] of Object.entries(map)) for (const v of values) out.push(name, v);
  return out;
}
