/**
 * The route table: one segment trie per method (as gin keeps one tree per
 * method), static children tried before the `:param` child. Built once at
 * start-up from the Plan's routes; a lookup walks the path without splitting it.
 */
export type RouteMatch<H> =
  | { kind: 'found'; handler: H; params: string[] }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

class RouteNode<H> {
  readonly statics = new Map<string, RouteNode<H>>();
  param: RouteNode<H> | undefined;
  paramName = '';
  handler: H | undefined;
}

const NOT_FOUND = { kind: 'not-found' } as const;

export class Router<H> {
  private readonly trees = new Map<string, RouteNode<H>>();

  /** Adds `method route` (gin form: `/users/:id`); throws on a conflict so a bad table never serves. */
  add(method: string, route: string, handler: H): void {
    let node = this.trees.get(method);
    if (!node) {
      node = new RouteNode<H>();
      this.trees.set(method, node);
    }
    for (const segment of route.split('/').slice(1)) {
      if (segment.startsWith(':')) {
        const name = segment.slice(1);
        if (!node.param) {
          node.param = new RouteNode<H>();
          node.param.paramName = name;
        } else if (node.param.paramName !== name) {
          throw new Error(`route ${route}: ':${name}' conflicts with ':${node.param.paramName}' at the same position`);
        }
        node = node.param;
      } else {
        let next = node.statics.get(segment);
        if (!next) {
          next = new RouteNode<H>();
          node.statics.set(segment, next);
        }
        node = next;
      }
    }
    if (node.handler !== undefined) throw new Error(`handlers are already registered for ${method} ${route}`);
    node.handler = handler;
  }

  /** Looks up a decoded path (starting with `/`). */
  find(method: string, path: string): RouteMatch<H> {
    const tree = this.trees.get(method);
    if (tree) {
      const params: string[] = [];
      const node = walk(tree, path, 1, params);
      if (node) return { kind: 'found', handler: node.handler as H, params };
    }
    const allowed: string[] = [];
    for (const [other, root] of this.trees) {
      if (other !== method && walk(root, path, 1, [])) allowed.push(other);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed: allowed.sort() } : NOT_FOUND;
  }

  /**
   * gin's RedirectFixedPath: the cleaned path looked up case-insensitively in
   * the method's tree (trailing slash fixed too); the canonical path, or undefined.
   */
  fixedPath(method: string, path: string): string | undefined {
    const tree = this.trees.get(method);
    if (!tree) return undefined;
    const clean = cleanPath(path);
    return walkCaseInsensitive(tree, clean, 1, '') ?? walkCaseInsensitive(tree, toggleTrailingSlash(clean), 1, '');
  }

  /** gin's trailing-slash recommendation: the same path with the slash added or removed matches in this method's tree. */
  trailingSlashTwin(method: string, path: string): string | undefined {
    const tree = this.trees.get(method);
    if (!tree || path === '/') return undefined;
    const twin = toggleTrailingSlash(path);
    return walk(tree, twin, 1, []) ? twin : undefined;
  }

  /** Methods with at least one route, for `auto_options` and 405 answers. */
  methods(): string[] {
    return [...this.trees.keys()].sort();
  }
}

/** Depth-first: a static child first, then the param child (backtracking as gin's tree does). */
function walk<H>(node: RouteNode<H>, path: string, start: number, params: string[]): RouteNode<H> | undefined {
  if (start > path.length) return node.handler !== undefined ? node : undefined;
  let end = path.indexOf('/', start);
  if (end === -1) end = path.length;
  const segment = path.slice(start, end);
  const child = node.statics.get(segment);
  if (child) {
    const found = walk(child, path, end + 1, params);
    if (found) return found;
  }
  if (node.param && segment !== '') {
    params.push(segment);
    const found = walk(node.param, path, end + 1, params);
    if (found) return found;
    params.pop();
  }
  return undefined;
}

function toggleTrailingSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
}

/** Like walk, but static segments match ignoring case; returns the path spelled as routed. */
function walkCaseInsensitive<H>(node: RouteNode<H>, path: string, start: number, built: string): string | undefined {
  if (start > path.length) return node.handler !== undefined ? built : undefined;
  let end = path.indexOf('/', start);
  if (end === -1) end = path.length;
  const segment = path.slice(start, end);
  const lower = segment.toLowerCase();
  for (const [name, child] of node.statics) {
    if (name.toLowerCase() !== lower) continue;
    const found = walkCaseInsensitive(child, path, end + 1, `${built}/${name}`);
    if (found !== undefined) return found;
  }
  if (node.param && segment !== '') return walkCaseInsensitive(node.param, path, end + 1, `${built}/${segment}`);
  return undefined;
}

/** Go's path.Clean as gin's cleanPath applies it: no `//`, `.` or `..` segments; a trailing slash is kept. */
export function cleanPath(path: string): string {
  if (path === '') return '/';
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  let clean = `/${out.join('/')}`;
  if (path.endsWith('/') && clean !== '/') clean += '/';
  return clean;
}
