import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { REQUEST_CLAIMS, type RequestWithClaims } from '../../core/middleware.js';
import type { ListenerFactory } from '../../core/start.js';
import type { ServicePlan } from '../../plan/plan.js';
import { apiKeyCheck } from './api-key.js';
import { revokerListenProblem, type RevokerConfig } from './revoker-config.js';
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
 *
 * The API binds `listen_ip` (127.0.0.1 by default) and will not start bound
 * elsewhere without a key (revoker-config.ts); keys are compared in constant
 * time (api-key.ts). Adds are bounded: at most `N` per TTL window (one filter
 * generation), past which `/add` answers 429 and the first refusal of the
 * window is logged — a flood of junk revocations cannot push the filter's
 * false-positive rate above `P` and lock out tokens never revoked.
 */
/** One filter per gateway (its service Plan), shared by its endpoints and its revocation API. */
const filters = new WeakMap<ServicePlan, RotatingBloom>();

/** Called on every rotation (the API restarts its once-per-window refusal log). */
const rotations = new WeakMap<RotatingBloom, Set<() => void>>();

function bloomFor(service: ServicePlan, cfg: RevokerConfig): RotatingBloom {
  let bloom = filters.get(service);
  if (!bloom) {
    const created = new RotatingBloom(cfg.n, cfg.p);
    const onRotate = new Set<() => void>();
    rotations.set(created, onRotate);
    setInterval(() => {
      created.rotate();
      onRotate.forEach((f) => f());
    }, cfg.ttlSeconds * 1000).unref();
    filters.set(service, created);
    bloom = created;
  }
  return bloom;
}

function revokerSettingsOf(service: ServicePlan): RevokerConfig {
  const cfg = service.settings['auth/revoker'];
  if (!cfg) throw new Error('auth/revoker is not an object');
  return cfg;
}

/** After auth/validator: 401 with an empty body when a watched claim of the verified token was revoked. */
export const revokedTokens: EndpointMiddlewareFactory = (_endpoint, deps) => {
  const cfg = revokerSettingsOf(deps.service);
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

/** The revocation API on `listen_ip`:`port` (0: a free port, logged). */
export const revokerListener: ListenerFactory = async ({ service, log }) => {
  const cfg = revokerSettingsOf(service);
  const problem = revokerListenProblem(cfg);
  // `hgw check` refuses this config; a plan that gets here anyway does not open the API.
  if (problem) throw new Error(`auth/revoker: ${problem}`);
  const bloom = bloomFor(service, cfg);
  const authorized = apiKeyCheck(cfg.apiKey);
  let refusedThisWindow = 0;
  const newWindow = () => {
    refusedThisWindow = 0;
  };
  rotations.get(bloom)!.add(newWindow);
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers }).end(text);
    };
    if (!authorized(req.headers.authorization)) return answer(401, { error: 'a valid API key is required' });
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
        if (!bloom.tryAdd(entries)) {
          if (refusedThisWindow++ === 0) {
            log.error(`auth/revoker: refused ${entries.length} revocation(s): the filter takes at most N=${bloom.capacity} per TTL window (${cfg.ttlSeconds}s); further refusals in this window are not logged`);
          }
          return answer(429, { error: `at most ${bloom.capacity} revocations per ${cfg.ttlSeconds}s window` }, { 'Retry-After': String(cfg.ttlSeconds) });
        }
        return answer(200, { added: entries.length });
      }
      return answer(200, Object.fromEntries(entries.map((e) => [e, bloom.has(e)])));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.listenIp, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.info(`auth/revoker: revocations on port ${port} of ${cfg.listenIp} (POST /add, /check${cfg.apiKey === '' ? ', no API key' : ''}); ${bloom.bits} bits, ${bloom.hashes} hashes, at most ${bloom.capacity} adds per ${cfg.ttlSeconds}s`);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        rotations.get(bloom)!.delete(newWindow);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
