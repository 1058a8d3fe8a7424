/**
 * The one wrap-in-reverse loop. Lists of middleware, proxy wrappers and
 * backend stages are written outermost first (the order a request meets
 * them, the order codegen prints); building the chain therefore wraps from
 * the innermost out, so `layers[0]` ends up seeing the call first.
 */
export function wrapOutermostFirst<T, L>(layers: readonly L[], inner: T, wrap: (layer: L, next: T) => T): T {
  let next = inner;
  for (let i = layers.length - 1; i >= 0; i--) next = wrap(layers[i]!, next);
  return next;
}
