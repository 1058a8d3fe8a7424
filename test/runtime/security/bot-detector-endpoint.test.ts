import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer } from '../../helpers/servers.js';

/**
 * `security/bot-detector` on one endpoint's extra_config is linked and
 * enforced there (krakend-botdetector's endpoint handler), not only the
 * service-level one: a bot is refused on that endpoint and served on the
 * others, on the node:http path and on the fast path alike.
 */
const open: Array<{ close(): Promise<void> }> = [];
afterEach(() => Promise.all(open.splice(0).map((o) => o.close())));

describe('endpoint-level security/bot-detector', () => {
  it.each(['1', '0'])('refuses a bot on the endpoint that names it and no other (HGW_FAST_PATH=%s)', async (fast) => {
    const be = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
    open.push(be);
    const gw = await startRuntime(base([
      { endpoint: '/guarded', output_encoding: 'no-op', extra_config: { 'security/bot-detector': { deny: ['evil-bot'] } }, backend: [{ url_pattern: '/', host: [be.url] }] },
      { endpoint: '/open', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [be.url] }] },
    ]), { profile: 'krakend', env: { HGW_FAST_PATH: fast } });
    open.push(gw);
    const bot = { 'User-Agent': 'evil-bot' };
    expect((await request(`${gw.url}/guarded`, { headers: bot })).status).toBe(403);
    expect((await request(`${gw.url}/guarded`, { headers: { 'User-Agent': 'curl/8' } })).status).toBe(200);
    expect((await request(`${gw.url}/open`, { headers: bot })).status).toBe(200);
    if (fast === '1') expect(gw.fastPath?.served).toBe(3);
  });
});
