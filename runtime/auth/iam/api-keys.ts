/**
 * Opaque API keys (spec A4). The gateway does not resolve them: a request
 * carrying one passes on with no identity headers (they were stripped) and the
 * backend resolves the key. `hk-` is retired but still recognised; `hz_`
 * widget keys are additionally policed by the widget gate.
 */
const API_KEY_PREFIXES: readonly string[] = ['hk-', 'sk-', 'pk-', 'fw_', 'hz_'];

/** Case-sensitive prefix match. */
export function isApiKey(token: string): boolean {
  for (const prefix of API_KEY_PREFIXES) if (token.startsWith(prefix)) return true;
  return false;
}
