import { randomUUID } from 'node:crypto';
import { compileGoRegexp } from '../../shared/go/go-regexp.js';
import { appendHeader, deleteHeader, getHeader, queryOf, setHeader, setQuery, type MartianMessage } from './martian-message.js';

/**
 * KrakenD's `modifier/martian` DSL (google/martian modifiers) compiled once:
 * each modifier knows the scopes it acts in and edits a request or a
 * response message. Filters run their `modifier` when the condition holds,
 * else their `else`. Modifiers that would move a call to another host or
 * port (`url.Modifier`'s host and scheme, `port.*`) act only on what the
 * upstream sends: the host stays the upstream's choice.
 */
export type Modify = (m: MartianMessage) => void;

export interface Compiled {
  modify: Modify;
  scopes: ReadonlySet<'request' | 'response'>;
}

type Spec = Record<string, unknown>;

export class MartianConfigError extends Error {}

export function compileMartian(config: unknown): Compiled {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new MartianConfigError('a martian modifier is an object with one key');
  const entries = Object.entries(config as Spec);
  if (entries.length !== 1) throw new MartianConfigError(`a martian modifier has exactly one key, got ${entries.length}`);
  const [name, raw] = entries[0]!;
  const spec = (raw ?? {}) as Spec;
  const scopes = new Set<'request' | 'response'>(
    (Array.isArray(spec.scope) ? spec.scope : ['request', 'response']).filter((s): s is 'request' | 'response' => s === 'request' || s === 'response'),
  );
  const inScope = (fn: Modify): Modify => (m) => {
    if (scopes.has(m.kind)) fn(m);
  };
  const str = (k: string) => (typeof spec[k] === 'string' ? (spec[k] as string) : '');
  const nested = (k: string): Modify | undefined => (spec[k] === undefined ? undefined : compileMartian(spec[k]).modify);
  const filter = (holds: (m: MartianMessage) => boolean): Modify => {
    const then = nested('modifier');
    const otherwise = nested('else');
    return inScope((m) => (holds(m) ? then?.(m) : otherwise?.(m)));
  };

  switch (name) {
    case 'header.Modifier':
      return { scopes, modify: inScope((m) => setHeader(m, str('name'), str('value'))) };
    case 'header.Append':
      return { scopes, modify: inScope((m) => appendHeader(m, str('name'), str('value'))) };
    case 'header.Blacklist': {
      const names = Array.isArray(spec.names) ? spec.names.filter((n): n is string => typeof n === 'string') : [];
      return { scopes, modify: inScope((m) => names.forEach((n) => deleteHeader(m, n))) };
    }
    case 'header.Copy':
      return {
        scopes,
        modify: inScope((m) => {
          const v = getHeader(m, str('from'));
          if (v !== undefined) setHeader(m, str('to'), v);
        }),
      };
    case 'header.Id': {
      const header = str('header') || 'X-Martian-ID';
      return { scopes, modify: inScope((m) => getHeader(m, header) === undefined && setHeader(m, header, randomUUID())) };
    }
    case 'header.Filter': {
      const value = typeof spec.value === 'string' ? spec.value : undefined;
      return { scopes, modify: filter((m) => { const v = getHeader(m, str('name')); return v !== undefined && (value === undefined || v === value); }) };
    }
    case 'header.RegexFilter': {
      const re = compileGoRegexp(str('regex'));
      return { scopes, modify: filter((m) => { const v = getHeader(m, str('header')); return v !== undefined && re.test(v); }) };
    }
    case 'querystring.Modifier':
      return {
        scopes,
        modify: inScope((m) => {
          if (m.kind !== 'request') return;
          const q = queryOf(m);
          q.set(str('name'), str('value'));
          setQuery(m, q);
        }),
      };
    case 'querystring.Filter': {
      const value = typeof spec.value === 'string' ? spec.value : undefined;
      return { scopes, modify: filter((m) => { const q = queryOf(m); return q.has(str('name')) && (value === undefined || q.getAll(str('name')).includes(value)); }) };
    }
    case 'cookie.Modifier': {
      const attrs = [
        `${str('name')}=${str('value')}`,
        str('path') && `Path=${str('path')}`,
        str('domain') && `Domain=${str('domain')}`,
        str('expires') && `Expires=${new Date(str('expires')).toUTCString()}`,
        typeof spec.maxAge === 'number' && spec.maxAge > 0 ? `Max-Age=${spec.maxAge}` : '',
        spec.httpOnly === true ? 'HttpOnly' : '',
        spec.secure === true ? 'Secure' : '',
      ].filter(Boolean);
      return {
        scopes,
        modify: inScope((m) => {
          if (m.kind === 'response') appendHeader(m, 'Set-Cookie', attrs.join('; '));
          else {
            const pair = `${str('name')}=${str('value')}`;
            const cookie = getHeader(m, 'Cookie');
            setHeader(m, 'Cookie', cookie ? `${cookie}; ${pair}` : pair);
          }
        }),
      };
    }
    case 'cookie.Filter': {
      const value = typeof spec.value === 'string' ? spec.value : undefined;
      return {
        scopes,
        modify: filter((m) => {
          const cookies = (getHeader(m, 'Cookie') ?? '').split(';').map((c) => c.trim());
          return cookies.some((c) => c.split('=')[0] === str('name') && (value === undefined || c.slice(c.indexOf('=') + 1) === value));
        }),
      };
    }
    case 'body.Modifier': {
      const body = Buffer.from(str('body'), 'base64');
      const type = str('contentType');
      return {
        scopes,
        modify: inScope((m) => {
          m.body = body;
          if (type) setHeader(m, 'Content-Type', type);
          setHeader(m, 'Content-Length', String(body.length));
        }),
      };
    }
    case 'url.Modifier':
      return {
        scopes,
        modify: inScope((m) => {
          if (m.kind !== 'request') return;
          const path = str('path');
          const query = str('query');
          const current = m.path ?? '/';
          const q = current.indexOf('?');
          m.path = (path || (q === -1 ? current : current.slice(0, q))) + (query ? `?${query}` : q === -1 ? '' : current.slice(q));
        }),
      };
    case 'url.Filter':
      return {
        scopes,
        modify: filter((m) => {
          const current = m.path ?? '';
          const q = current.indexOf('?');
          const path = q === -1 ? current : current.slice(0, q);
          return (!str('path') || path === str('path')) && (!str('query') || (q !== -1 && current.slice(q + 1) === str('query')));
        }),
      };
    case 'url.RegexFilter': {
      const re = compileGoRegexp(str('regex'));
      return { scopes, modify: filter((m) => re.test(m.path ?? '')) };
    }
    case 'stash.Modifier':
      return { scopes, modify: inScope((m) => m.kind === 'request' && setHeader(m, str('headerName'), m.path ?? '')) };
    case 'fifo.Group': {
      const list = (Array.isArray(spec.modifiers) ? spec.modifiers : []).map((x) => compileMartian(x).modify);
      return { scopes, modify: inScope((m) => list.forEach((f) => f(m))) };
    }
    case 'priority.Group': {
      const list = (Array.isArray(spec.modifiers) ? spec.modifiers : [])
        .map((x) => x as Spec)
        .sort((a, b) => Number(b.priority ?? 0) - Number(a.priority ?? 0))
        .map((x) => compileMartian(x.modifier).modify);
      return { scopes, modify: inScope((m) => list.forEach((f) => f(m))) };
    }
    case 'port.Modifier':
    case 'port.Filter':
      // The port belongs to the upstream's choice of host; nothing to do on the message itself.
      return { scopes, modify: () => {} };
    default:
      throw new MartianConfigError(`unknown martian modifier ${JSON.stringify(name)}`);
  }
}
