/**
 * Response headers only the gateway may set (Go's `stripBackendCORS`): a
 * backend's own CORS answer would contradict the gateway's policy. Lower case.
 */
export const BACKEND_CORS_HEADERS: ReadonlySet<string> = new Set([
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-allow-credentials',
  'access-control-max-age',
  'access-control-expose-headers',
]);
