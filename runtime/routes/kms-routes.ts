/**
 * The Go gateway's KMS source for routes.yaml (hanzo-core §5.2, luxfi/kms):
 * log in with the client credentials, then read the secret at the path.
 *   POST {endpoint}/v1/kms/auth/login {"clientId","clientSecret"} → {"accessToken"}
 *   GET  {endpoint}/v1/kms/secrets/{path}?env={env} (Bearer) → {"secret":{"value":"<yaml>"}}
 * Each path segment is escaped on its own, so `/` survives; the path must
 * hold a `/` (the server splits it into path and name), which is checked
 * before any call. Every call has 10 s. Errors carry Go's texts.
 */
export interface KmsSettings {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  env: string;
}

const CALL_TIMEOUT_MS = 10_000;

/** From the environment as Go's initKMSResolverFromEnv reads it; undefined when endpoint or credentials are missing. */
export function kmsSettings(env: Readonly<Record<string, string | undefined>>): KmsSettings | undefined {
  const endpoint = env.GATEWAY_KMS_ENDPOINT ?? '';
  const clientId = env.GATEWAY_KMS_CLIENT_ID || env.IAM_CLIENT_ID || '';
  const clientSecret = env.GATEWAY_KMS_CLIENT_SECRET || env.IAM_CLIENT_SECRET || '';
  if (endpoint === '' || clientId === '' || clientSecret === '') return undefined;
  return { endpoint: endpoint.replace(/\/+$/, ''), clientId, clientSecret, env: env.GATEWAY_KMS_ENV || 'default' };
}

export async function fetchKmsSecret(settings: KmsSettings | undefined, path: string): Promise<string> {
  if (!settings) throw new Error('kms: no resolver configured (GATEWAY_KMS_ENDPOINT and client credentials are needed)');
  const slash = path.lastIndexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw new Error(`kms: path ${JSON.stringify(path)} needs a path and a name (e.g. "gateway/routes")`);
  const login = await fetch(`${settings.endpoint}/v1/kms/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ clientId: settings.clientId, clientSecret: settings.clientSecret }),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (login.status !== 200) throw new Error(`kms: login returned ${login.status}: ${(await login.text()).slice(0, 1024)}`);
  const token = ((await login.json()) as { accessToken?: unknown }).accessToken;
  if (typeof token !== 'string' || token === '') throw new Error('kms: login returned no access token');
  const escaped = path.split('/').map(encodeURIComponent).join('/');
  const secret = await fetch(`${settings.endpoint}/v1/kms/secrets/${escaped}?env=${encodeURIComponent(settings.env)}`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (secret.status !== 200) throw new Error(`kms: GET ${path} returned ${secret.status}: ${(await secret.text()).slice(0, 1024)}`);
  const value = ((await secret.json()) as { secret?: { value?: unknown } }).secret?.value;
  if (typeof value !== 'string' || value === '') throw new Error(`kms: ${path} holds no value`);
  return value;
}
