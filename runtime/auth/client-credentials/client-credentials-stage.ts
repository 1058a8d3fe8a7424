import { mapUrl } from '../../shared/host-map.js';
import { escapeQuery } from '../../core/query.js';
import type { BackendStageFactory } from '../../shared/upstream/upstream.js';
import { forwardingStage } from '../../shared/upstream/forwarding-stage.js';

/**
 * KrakenD's `auth/client-credentials` (golang.org/x/oauth2/clientcredentials)
 * as a backend stage: the gateway gets its own token from `token_url` with
 * the OAuth2 client-credentials grant (client id and secret in HTTP Basic,
 * `scopes` space-separated, `endpoint_params` in the form) and sends every
 * call to this backend with `Authorization: Bearer <token>`. The token is
 * reused until ten seconds before it expires; concurrent calls share one
 * fetch. A token that cannot be had fails the call with the reason.
 */
interface Token {
  value: string;
  /** Epoch ms after which a new one is fetched. */
  freshUntil: number;
}

const EXPIRY_DELTA_MS = 10_000;

export const clientCredentials: BackendStageFactory = (backend, deps, next) => {
  const cfg = backend.settings['auth/client-credentials'];
  if (!cfg) return next;
  const { clientId, clientSecret, scopes } = cfg;
  const tokenUrl = mapUrl(deps.hostMap, cfg.tokenUrl);
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scopes.length > 0) form.set('scope', scopes.join(' '));
  for (const [k, v] of cfg.endpointParams) form.append(k, v);
  // RFC 6749 §2.3.1: id and secret form-encoded (Go's url.QueryEscape), then HTTP Basic.
  const basic = `Basic ${Buffer.from(`${escapeQuery(clientId)}:${escapeQuery(clientSecret)}`).toString('base64')}`;

  let token: Token | undefined;
  let pending: Promise<Token> | undefined;
  const fetchToken = async (): Promise<Token> => {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`oauth2: cannot fetch token: ${res.status}\nResponse: ${text.slice(0, 1024)}`);
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error('oauth2: server response is not JSON');
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new Error('oauth2: server response missing access_token');
    const expiresIn = Number(body.expires_in);
    return { value: body.access_token, freshUntil: Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 - EXPIRY_DELTA_MS : Number.POSITIVE_INFINITY };
  };
  const current = (): Promise<Token> => {
    if (token && Date.now() < token.freshUntil) return Promise.resolve(token);
    pending ??= fetchToken().then(
      (t) => {
        token = t;
        pending = undefined;
        return t;
      },
      (e: Error) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };

  return forwardingStage(next, {
    dispatch(request, handler) {
      const send = (t: Token) => {
        const headers: string[] = [];
        for (let i = 0; i + 1 < request.headers.length; i += 2) if (request.headers[i]!.toLowerCase() !== 'authorization') headers.push(request.headers[i]!, request.headers[i + 1]!);
        headers.push('Authorization', `Bearer ${t.value}`);
        request.headers = headers;
        next.dispatch(request, handler);
      };
      if (token && Date.now() < token.freshUntil) send(token);
      else current().then(send, (e: Error) => handler.onError(e));
    },
  });
};
