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
