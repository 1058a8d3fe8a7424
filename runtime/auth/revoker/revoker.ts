import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { REQUEST_CLAIMS, type RequestWithClaims } from '../../core/middleware.js';
import type { ListenerFactory } from '../../core/start.js';
import type { ServicePlan } from '../../plan/plan.js';
import { RotatingBloom } from './rotating-bloom.js';

/**
 * KrakenD's `auth/revoker`: tokens whose watched claims (`token_keys`) were
 * revoked are refused (401) after `auth/validator` has verified them. A
 * revocation is the entry `<claim>-<value>` (`jti-abc123`), kept in a
 * rotating bloom filter sized by `N` and `P` for one to two `TTL`s.
 *
 * KrakenD fills the filter through a Go net/rpc service no other language
 * can speak; hgw's instance takes revocations over HTTP on `port` instead:
 * `POST /add` with a JSON list of entries, `POST /check` answering which of
 * them are present, both behind `Authorization: Bearer <revoke_server_api_key>`
 * when a key is set. One filter per gateway.
 */
interface RevokerConfig {
  n: number;
  p: number;
  ttlSeconds: number;
  port: number;
  tokenKeys: string[];
  apiKey: string;
}

function revokerConfig(service: ServicePlan): RevokerConfig {
  const v = (service.extraConfig['auth/revoker'] ?? {}) as Record<string, unknown>;
  return {
    n: typeof v.N === 'number' ? v.N : 10_000_000,
    p: typeof v.P === 'number' ? v.P : 1e-7,
    ttlSeconds: typeof v.TTL === 'number' && v.TTL > 0 ? v.TTL : 1500,
    port: typeof v.port === 'number' ? v.port : 0,
    tokenKeys: Array.isArray(v.token_keys) ? v.token_keys.filter((k): k is string => typeof k === 'string') : [],
    apiKey: typeof v.revoke_server_api_key === 'string' ? v.revoke_server_api_key : '',
  };
}

/** One filter per gateway (its service Plan), shared by its endpoints and its revocation API. */
const filters = new WeakMap<ServicePlan, RotatingBloom>();

function bloomFor(service: ServicePlan, cfg: RevokerConfig): RotatingBloom {
  let bloom = filters.get(service);
  if (!bloom) {
    const created = new RotatingBloom(cfg.n, cfg.p);
    setInterval(() => created.rotate(), cfg.ttlSeconds * 1000).unref();
    filters.set(service, created);
    bloom = created;
  }
  return bloom;
}

/** After auth/validator: 401 with an empty body when a watched claim of the verified token was revoked. */
export const revokedTokens: EndpointMiddlewareFactory = (_endpoint, deps) => {
  const cfg = revokerConfig(deps.service);
  const bloom = bloomFor(deps.service, cfg);
  return (req, res, _params, next) => {
    const claims = (req as RequestWithClaims)[REQUEST_CLAIMS];
    if (claims) {
      for (const key of cfg.tokenKeys) {
        const value = claims[key];
        if ((typeof value === 'string' || typeof value === 'number') && bloom.has(`${key}-${value}`)) {
          res.writeHead(401, { 'Content-Length': 0 }).end();
          return;
        }
      }
    }
    next();
  };
};

/** The revocation API on `port` (0: a free port, logged). */
export const revokerListener: ListenerFactory = async ({ service, log }) => {
  const cfg = revokerConfig(service);
  const bloom = bloomFor(service, cfg);
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
    };
    if (cfg.apiKey !== '' && req.headers.authorization !== `Bearer ${cfg.apiKey}`) return answer(401, { error: 'a valid API key is required' });
    if (req.method !== 'POST' || (req.url !== '/add' && req.url !== '/check')) return answer(404, { error: 'POST /add or /check' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let entries: unknown;
      try {
        entries = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        entries = undefined;
      }
      if (!Array.isArray(entries) || !entries.every((e): e is string => typeof e === 'string')) return answer(400, { error: 'send a JSON list of entries such as ["jti-abc123"]' });
      if (req.url === '/add') {
        entries.forEach((e) => bloom.add(e));
        return answer(200, { added: entries.length });
      }
      return answer(200, Object.fromEntries(entries.map((e) => [e, bloom.has(e)])));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, () => resolve());
  });
  log.info(`auth/revoker: revocations on port ${(server.address() as AddressInfo).port} (POST /add, /check); ${bloom.bits} bits, ${bloom.hashes} hashes`);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
