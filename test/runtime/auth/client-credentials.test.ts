import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer } from '../../helpers/servers.js';

/**
 * `auth/client-credentials` against a real OAuth2 token server and a real
 * backend: the grant as x/oauth2 sends it, the token reused until shortly
 * before it expires, and a token server that fails failing the call.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('auth/client-credentials', () => {
  it('calls the backend with a token fetched by the client-credentials grant, reusing it until it is nearly expired', async () => {
    const grants: Array<{ authorization: string; form: URLSearchParams }> = [];
    let expiresIn = 3600;
    let failing = false;
    const auth = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        grants.push({ authorization: String(req.headers.authorization), form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) });
        if (failing) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid_client"}');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: `tok-${grants.length}`, token_type: 'bearer', expires_in: expiresIn }));
      });
    });
    const be = await startServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization })));
    cleanups.push(() => auth.close(), () => be.close());
    const gw = await startRuntime(
      base(
        [
          {
            endpoint: '/data',
            input_headers: ['Authorization'],
            backend: [
              {
                url_pattern: '/d',
                host: [be.url],
                extra_config: { 'auth/client-credentials': { client_id: 'gw id', client_secret: 's3:cret', token_url: `${auth.url}/oauth/token`, scopes: 'read, write', endpoint_params: { audience: ['api'] } } },
              },
            ],
          },
        ],
        { extra_config: { router: { return_error_msg: true } } },
      ),
    );
    cleanups.push(() => gw.close());

    // The client's own Authorization is replaced by the gateway's token.
    expect(JSON.parse((await request(`${gw.url}/data`, { headers: { authorization: 'Bearer client' } })).body)).toEqual({ auth: 'Bearer tok-1' });
    expect(JSON.parse((await request(`${gw.url}/data`)).body)).toEqual({ auth: 'Bearer tok-1' });
    expect(grants).toHaveLength(1);
    const grant = grants[0]!;
    expect(grant.authorization).toBe(`Basic ${Buffer.from('gw+id:s3%3Acret').toString('base64')}`);
    expect(grant.form.get('grant_type')).toBe('client_credentials');
    expect(grant.form.get('scope')).toBe('read write');
    expect(grant.form.get('audience')).toBe('api');

    // A token about to expire (within the 10 s margin) is fetched again.
    expiresIn = 5;
    const gw2 = await startRuntime(base([{ endpoint: '/data', backend: [{ url_pattern: '/d', host: [be.url], extra_config: { 'auth/client-credentials': { client_id: 'a', client_secret: 'b', token_url: `${auth.url}/t` } } }] }]));
    cleanups.push(() => gw2.close());
    await request(`${gw2.url}/data`);
    await request(`${gw2.url}/data`);
    expect(grants).toHaveLength(3);

    failing = true;
    const gw3 = await startRuntime(
      base([{ endpoint: '/data', backend: [{ url_pattern: '/d', host: [be.url], extra_config: { 'auth/client-credentials': { client_id: 'a', client_secret: 'b', token_url: `${auth.url}/t` } } }] }], {
        extra_config: { router: { return_error_msg: true } },
      }),
    );
    cleanups.push(() => gw3.close());
    const refused = await request(`${gw3.url}/data`);
    expect(refused.status).toBe(500);
    expect(refused.body).toMatch(/^oauth2: cannot fetch token: 401/);
  });

  it('concurrent calls share one token fetch: the token server sees one grant while ten calls wait for it', async () => {
    let grants = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const auth = await startServer((req, res) => {
      grants++;
      req.resume();
      req.on('end', () => void held.then(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: `tok-${grants}`, token_type: 'bearer', expires_in: 3600 }))));
    });
    const be = await startServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization })));
    cleanups.push(() => auth.close(), () => be.close());
    const gw = await startRuntime(base([{ endpoint: '/data', backend: [{ url_pattern: '/d', host: [be.url], extra_config: { 'auth/client-credentials': { client_id: 'a', client_secret: 'b', token_url: `${auth.url}/t` } } }] }]));
    cleanups.push(() => gw.close());

    const calls = Array.from({ length: 10 }, () => request(`${gw.url}/data`));
    // A barrier: the first grant has arrived, and a later request has been answered, so the ten calls are in the gateway, waiting.
    while (grants === 0) await new Promise((r) => setTimeout(r, 10));
    expect((await request(`${gw.url}/__health`)).status).toBe(200);
    release();
    const bodies = (await Promise.all(calls)).map((r) => r.body);
    expect(bodies).toEqual(Array(10).fill('{"auth":"Bearer tok-1"}'));
    expect(grants).toBe(1);
  });
});
