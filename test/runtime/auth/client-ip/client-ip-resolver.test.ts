/** The resolver on real sockets: the peer is 127.0.0.1, so what counts is the trusted set and the first X-Forwarded-For line. */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { clientIpResolver } from '../../../../runtime/shared/client-ip/client-ip-resolver.js';
import { trustedProxiesFromEnv } from '../../../../runtime/shared/client-ip/trusted-proxies.js';
import { request, startServer, type TestServer } from '../../../helpers/servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

/** A real server that answers with the client IP the resolver computes for each request. */
async function resolverServer(env: Record<string, string>): Promise<TestServer> {
  const resolve = clientIpResolver(trustedProxiesFromEnv(env));
  const s = await startServer((req: IncomingMessage, res) => res.end(resolve(req)));
  servers.push(s);
  return s;
}

describe('clientIpResolver over real sockets (peer 127.0.0.1)', () => {
  it('behind the default trusted set, loopback forwards the X-Forwarded-For client', async () => {
    const s = await resolverServer({});
    expect((await request(s.url)).body).toBe('127.0.0.1');
    expect((await request(s.url, { headers: { 'X-Forwarded-For': '203.0.113.9, 10.0.0.7' } })).body).toBe('203.0.113.9');
    expect((await request(s.url, { headers: { 'X-Forwarded-For': 'garbage' } })).body).toBe('127.0.0.1');
  });

  it('reads only the first X-Forwarded-For line, as Go Header.Get does', async () => {
    const s = await resolverServer({});
    const res = await request(s.url, { headers: { 'X-Forwarded-For': ['203.0.113.9', '198.51.100.4'] } });
    expect(res.body).toBe('203.0.113.9');
    const chained = await request(s.url, { headers: { 'X-Forwarded-For': ['203.0.113.9, 10.0.0.1', '198.51.100.4'] } });
    expect(chained.body).toBe('203.0.113.9');
  });

  it('a peer outside GATEWAY_TRUSTED_PROXIES is the client whatever it forwards', async () => {
    const s = await resolverServer({ GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8' });
    expect((await request(s.url, { headers: { 'X-Forwarded-For': '203.0.113.9' } })).body).toBe('127.0.0.1');
  });

  it('ignores X-Real-IP (only the socket peer and X-Forwarded-For count)', async () => {
    const s = await resolverServer({});
    expect((await request(s.url, { headers: { 'X-Real-IP': '203.0.113.9' } })).body).toBe('127.0.0.1');
  });
});
