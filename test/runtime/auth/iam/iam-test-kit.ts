/**
 * Real pieces for the Hanzo IAM middleware tests: key pairs and signed tokens
 * from jose, a JWKS server and a Commerce stub on 127.0.0.1, and a node:http
 * gateway running the middleware in front of an echo handler that records
 * the headers it received in all three of Node's views.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { branding } from '../../../../runtime/shared/branding.js';
import { createLogger } from '../../../../runtime/shared/log/logger.js';
import type { MiddlewareDeps } from '../../../../runtime/core/middleware.js';
import type { ServicePlan } from '../../../../runtime/plan/plan.js';
import { createHanzoIamMiddleware, type HanzoIamExtra } from '../../../../runtime/auth/iam/iam-middleware.js';

export const ISSUER = 'https://hanzo.id';
export const AUDIENCE = 'hanzo-app';

export type SigningAlg = 'RS256' | 'RS512' | 'ES256' | 'ES384' | 'ES512' | 'RS384' | 'PS256';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as a JWKS would publish it. */
  jwk: JWK;
}

export async function makeSigningKey(alg: SigningAlg, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg };
  return { kid, alg, privateKey, publicKey, jwk };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The Era C fixture identity: alice, member of hanzo. */
export function aliceClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    owner: 'hanzo',
    email: 'alice@hanzo.ai',
    orgs: [{ org: 'hanzo', role: 'member' }],
    ...overrides,
  };
}

/** What aliceClaims() grants a backend (hanzo-auth-widget-zap.md A7's test facts): these identity lines and no other. */
export const ALICE_IDENTITY = ['x-org-id: hanzo', 'x-user-email: alice@hanzo.ai', 'x-user-id: alice', 'x-user-owner: hanzo'];

/** The identity header lines (names of the ingress strip set, A8) among raw header lines, as `name: value`, names lower-cased, sorted. */
export function identityLines(rawHeaders: readonly string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (/^x-(user|org|roles|iam|hanzo|phone|workspace|project|billing|scope|app-id|tenant)/i.test(rawHeaders[i]!)) lines.push(`${rawHeaders[i]!.toLowerCase()}: ${rawHeaders[i + 1]}`);
  }
  return lines.sort();
}

export async function signToken(key: SigningKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

/** A compact JWS assembled by hand (for `alg: none` and other shapes jose will not produce). */
export function handmadeToken(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

// ---------------------------------------------------------------------------------------------

interface Listening {
  server: Server;
  port: number;
  url: string;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return { server, port: actual, url: `http://127.0.0.1:${actual}` };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export interface JwksServer {
  url: string;
  port: number;
  /** Downloads served so far. */
  hits: number;
  setKeys(keys: JWK[]): void;
  stop(): Promise<void>;
  /** Listens again on the same port (after `stop`). */
  restart(): Promise<void>;
}

/** Serves `{"keys": keys}` on any path; `port` 0 picks a free one. */
export async function startJwksServer(keys: JWK[], port = 0): Promise<JwksServer> {
  let served = keys;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    state.hits++;
    const body = JSON.stringify({ keys: served });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
  };
  let current = await listen(handler, port);
  const state: JwksServer = {
    url: `${current.url}/v1/iam/.well-known/jwks`,
    port: current.port,
    hits: 0,
    setKeys: (k) => {
      served = k;
    },
    stop: () => close(current.server),
    restart: async () => {
      current = await listen(handler, state.port);
    },
  };
  return state;
}

/** A URL nothing listens on (a port just released). */
export async function deadUrl(): Promise<string> {
  const l = await listen(() => undefined);
  await close(l.server);
  return `${l.url}/v1/iam/.well-known/jwks`;
}

export interface CommerceCall {
  url: string;
  authorization: string | undefined;
}

export interface CommerceStub {
  url: string;
  calls: CommerceCall[];
  /** What the next balance requests get. */
  answer: (call: CommerceCall) => { status: number; body: string };
  stop(): Promise<void>;
}

export async function startCommerce(available: number): Promise<CommerceStub> {
  const stub: CommerceStub = {
    url: '',
    calls: [],
    answer: () => ({ status: 200, body: JSON.stringify({ user: 'x', currency: 'usd', balance: available, holds: 0, available }) }),
    stop: async () => undefined,
  };
  const l = await listen((req, res) => {
    const call = { url: req.url ?? '', authorization: req.headers.authorization };
    stub.calls.push(call);
    const { status, body } = stub.answer(call);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
  });
  stub.url = l.url;
  stub.stop = () => close(l.server);
  return stub;
}

// ---------------------------------------------------------------------------------------------

/** What the handler behind the middleware saw. */
export interface Echoed {
  url: string;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  headersDistinct: Record<string, string[] | undefined>;
}

export interface GatewayReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Present when the request reached the echo handler. */
  echoed: Echoed | undefined;
}

export interface TestGateway {
  url: string;
  logs: string[];
  /** `headers` is a flat raw list (`[name, value, name, value…]`): case and repeats go out as written. */
  send(path: string, headers?: string[], options?: { method?: string; host?: string }): Promise<GatewayReply>;
  close(): Promise<void>;
}

export async function startGateway(env: Record<string, string | undefined>, extra?: HanzoIamExtra): Promise<TestGateway> {
  const logs: string[] = [];
  const deps: MiddlewareDeps = {
    service: {} as ServicePlan,
    brand: branding({ name: 'hanzoai/gateway', version: 'test' }, false),
    hostMap: {},
    log: createLogger({ level: 'DEBUG', write: (line) => logs.push(line) }),
    env,
  };
  const middleware = createHanzoIamMiddleware(deps, extra);
  const l = await listen((req, res) => {
    middleware(req, res, () => {
      const echoed: Echoed = { url: req.url ?? '', rawHeaders: [...req.rawHeaders], headers: { ...req.headers }, headersDistinct: { ...req.headersDistinct } };
      req.resume();
      req.on('end', () => {
        const body = JSON.stringify(echoed);
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Echo': 'yes', 'Content-Length': Buffer.byteLength(body) }).end(body);
      });
    });
  });
  return {
    url: l.url,
    logs,
    send: (path, headers = [], options = {}) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: l.port, path, method: options.method ?? 'GET', headers: ['Host', options.host ?? 'api.hanzo.ai', ...headers], agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const body = Buffer.concat(chunks).toString('utf8');
              const echoed = res.headers['x-echo'] === 'yes' ? (JSON.parse(body) as Echoed) : undefined;
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body, echoed });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      }),
    close: () => close(l.server),
  };
}

/** Every value of a header name (any case) in the raw lines. */
export function rawValues(rawHeaders: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if ((rawHeaders[i] ?? '').toLowerCase() === name.toLowerCase()) out.push(rawHeaders[i + 1] ?? '');
  return out;
}

/** The minted identity as a name → value map (lower-cased names), from the raw lines. */
export function identityOf(echoed: Echoed): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < echoed.rawHeaders.length; i += 2) {
    const name = (echoed.rawHeaders[i] ?? '').toLowerCase();
    if (name.startsWith('x-') && name !== 'x-request-id' && name !== 'x-forwarded-for' && name !== 'x-authorization') out[name] = echoed.rawHeaders[i + 1] ?? '';
  }
  return out;
}
