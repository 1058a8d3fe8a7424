/**
 * `auth/client-credentials` as golang.org/x/oauth2/clientcredentials takes
 * it: where to get the token, the client's id and secret, the scopes (the
 * config's comma list, split) and extra form parameters. Parsed when the
 * Plan is built; the backend stage receives the result.
 */
import { settingsParser } from '../../plan/settings.js';

export interface ClientCredentialsSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** `endpoint_params` as form lines: a list value gives one line per item. */
  endpointParams: Array<[string, string]>;
}

export const clientCredentialsSettings = /* @__PURE__ */ settingsParser<ClientCredentialsSettings>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const cfg = raw as Record<string, unknown>;
  const tokenUrl = typeof cfg.token_url === 'string' ? cfg.token_url : '';
  if (typeof cfg.token_url === 'string' && !/^https?:\/\//i.test(tokenUrl)) {
    problems.warn('/token_url', `token_url ${JSON.stringify(tokenUrl)} is not an http(s) URL: no token can be had, so every call to this backend fails`, 'Write the authorization server\'s token endpoint, e.g. "https://auth.example.com/oauth2/token".');
  }
  const extra = cfg.endpoint_params !== null && typeof cfg.endpoint_params === 'object' ? (cfg.endpoint_params as Record<string, unknown>) : {};
  return {
    tokenUrl,
    clientId: typeof cfg.client_id === 'string' ? cfg.client_id : '',
    clientSecret: typeof cfg.client_secret === 'string' ? cfg.client_secret : '',
    scopes: typeof cfg.scopes === 'string' ? cfg.scopes.split(',').map((s) => s.trim()).filter(Boolean) : [],
    endpointParams: Object.entries(extra).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item): [string, string] => [k, String(item)])),
  };
});
