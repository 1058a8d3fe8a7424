import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from '../../runtime/core/gateway.js';
import { branding } from '../../runtime/shared/branding.js';
import { createLogger } from '../../runtime/shared/log/logger.js';
import { planOf, base } from '../helpers/check.js';
import { request } from '../helpers/servers.js';

/**
 * gin's recovery, also for work that runs after an await: a handler that
 * throws once a middleware handed on from a promise (a JWT check, a body
 * read, a Lua VM becoming ready) costs its request a 500, is logged, and
 * leaves the process and the other requests alone.
 */
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('recovery', () => {
  it('answers 500 when a stage throws after a middleware handed on asynchronously, at router and endpoint level', async () => {
    const plan = planOf(base([{ endpoint: '/boom', backend: [{ url_pattern: '/x' }] }, { endpoint: '/fine', backend: [{ url_pattern: '/y' }] }]));
    const logs: string[] = [];
    const log = createLogger({ write: (l) => logs.push(l) });
    const listener = createRequestListener(
      plan.service,
      branding({ name: 'hanzoai/gateway', version: '2.13.8' }, false),
      [
        {
          plan: plan.endpoints[0]!,
          handler: () => {
            throw new Error('stage bug');
          },
          middleware: [(_req, _res, _params, next) => void Promise.resolve().then(next)],
        },
        { plan: plan.endpoints[1]!, handler: (_req, res) => res.writeHead(200, { 'Content-Length': 2 }).end('ok') },
      ],
      { debug: false, log, middleware: [(_req, _res, next) => void setImmediate(next)] },
    );
    server = createServer(listener);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const boom = await request(`${url}/boom`);
    expect(boom.status).toBe(500);
    expect(logs.some((l) => l.includes('recovered from a panic on GET /boom') && l.includes('stage bug'))).toBe(true);
    expect((await request(`${url}/fine`)).body).toBe('ok');
  });
});
