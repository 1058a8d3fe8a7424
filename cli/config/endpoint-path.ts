/**
 * How Lura turns an endpoint path into a gin route: `{name}` becomes `:name`.
 * In strict REST mode (the default) only a whole segment `/{name}` is a
 * parameter; with `disable_rest` a `{name}` anywhere is.
 */
export type Segment = { kind: 'static'; value: string } | { kind: 'param'; name: string } | { kind: 'wildcard'; name: string };

const NAME = /^[A-Za-z0-9_-]+$/;

export function endpointParams(path: string, disableRest: boolean): string[] {
  const out: string[] = [];
  if (disableRest) {
    for (const m of path.matchAll(/\{([A-Za-z0-9_-]+)\}/g)) out.push(m[1]!);
    return out;
  }
  for (const seg of path.split('/')) {
    const m = /^\{([A-Za-z0-9_-]+)\}$/.exec(seg);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** The gin form of the path (`/users/:id`), as KrakenD registers it. */
export function ginPath(path: string, disableRest: boolean): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  if (disableRest) return withSlash.replace(/\{([A-Za-z0-9_-]+)\}/g, ':$1');
  return withSlash
    .split('/')
    .map((seg) => {
      const m = /^\{([A-Za-z0-9_-]+)\}$/.exec(seg);
      return m ? `:${m[1]}` : seg;
    })
    .join('/');
}

/** Segments of a gin path, for the route table. */
export function routeSegments(gin: string): Segment[] {
  return gin
    .split('/')
    .slice(1)
    .map((seg): Segment => {
      if (seg.startsWith(':') && NAME.test(seg.slice(1))) return { kind: 'param', name: seg.slice(1) };
      if (seg.startsWith('*')) return { kind: 'wildcard', name: seg.slice(1) };
      return { kind: 'static', value: seg };
    });
}

/** Placeholders of a url_pattern (`{id}`, `{resp0_a.b}`, `{JWT.sub}`), in order of appearance. */
export function urlPatternParams(urlPattern: string): string[] {
  return [...urlPattern.matchAll(/\{([A-Za-z0-9_.\-:/]+)\}/g)].map((m) => m[1]!);
}

export function isSequentialParam(name: string): boolean {
  return /^resp\d+_/.test(name) || /^resp\d+$/.test(name);
}

export function isJwtParam(name: string): boolean {
  return name.startsWith('JWT.');
}
