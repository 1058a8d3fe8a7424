import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware, MiddlewareDeps } from '../../../runtime/core/middleware.js';
import type { ServicePlan } from '../../../runtime/plan/plan.js';
import { branding, COMPLETED_HEADER, POWERED_BY_HEADER } from '../../../runtime/shared/branding.js';
import { createLogger } from '../../../runtime/shared/log/logger.js';
import { levelSettings } from '../../../cli/plan/module-settings.js';
import { headerLines, request, startServer, type TestResponse, type TestServer } from '../../helpers/servers.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
export const brand = branding({ name: 'hanzoai/gateway', version: '2.13.8' }, false);

/** The KrakenD CE fixture's service extra_config (security/cors, security/bot-detector, …). */
export function fixtureExtraConfig(): Record<string, unknown> {
  const config = JSON.parse(readFileSync(`${FIXTURES}krakend-ce/krakend.json`, 'utf8')) as { extra_config: Record<string, unknown> };
  return config.extra_config;
}

export interface Deps extends MiddlewareDeps {
  logLines: string[];
}

export function deps(extraConfig: Record<string, unknown>, env: Record<string, string> = {}): Deps {
  const logLines: string[] = [];
  return {
    service: { extraConfig, settings: levelSettings('service', extraConfig) } as unknown as ServicePlan,
    brand,
    hostMap: {},
    log: createLogger({ level: 'DEBUG', write: (l) => logLines.push(l) }),
    env,
    logLines,
  };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** What hgw's endpoint handlers do: one `writeHead` with a flat header array, then the body. */
export function endpoint(body = '{"ok":true}', extra: string[] = []): Handler {
  return (_req, res) => {
    const buf = Buffer.from(body);
    res
      .writeHead(200, [
        POWERED_BY_HEADER,
        brand.poweredBy,
        'Cache-Control',
        'public, max-age=3600',
        COMPLETED_HEADER,
        'true',
        'Content-Type',
        'application/json; charset=utf-8',
        ...extra,
        'Content-Length',
        String(buf.length),
      ])
      .end(buf);
  };
}

export interface Served extends TestServer {
  /** How many requests reached the handler behind the middlewares. */
  reached(): number;
}

/** The middlewares in order in front of `handler`, on a real server (127.0.0.1, port 0). */
export async function serve(middlewares: Middleware[], handler: Handler = endpoint()): Promise<Served> {
  let reached = 0;
  const server = await startServer((req, res) => {
    const run = (i: number): void => {
      const mw = middlewares[i];
      if (!mw) {
        reached++;
        handler(req, res);
        return;
      }
      mw(req, res, () => run(i + 1));
    };
    run(0);
  });
  return { ...server, reached: () => reached };
}

export interface KrakendSpec {
  in: { method: string; url: string; header?: Record<string, string> };
  out: { status_code: number; body?: string; header?: Record<string, string[]> };
}

export function loadSpec(name: string): KrakendSpec {
  return JSON.parse(readFileSync(`${FIXTURES}krakend-ce/specs/${name}.json`, 'utf8')) as KrakendSpec;
}

/** Sends a spec's request to `base` (its path and query kept). */
export function sendSpec(base: string, spec: KrakendSpec): Promise<TestResponse> {
  const u = new URL(spec.in.url);
  return request(base + u.pathname + u.search, { method: spec.in.method, headers: spec.in.header ?? {} });
}

/**
 * The suite's header assertions (krakend-semantics §1.5): each expected list
 * deep-equals the response's lines, `[""]` meaning absent. KrakenD's own
 * headers are checked under hgw's names.
 */
export function specHeaderMismatches(res: TestResponse, spec: KrakendSpec): string[] {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(spec.out.header ?? {})) {
    let actualName = name;
    let expected = want;
    if (name.toLowerCase() === 'x-krakend-completed') actualName = COMPLETED_HEADER;
    if (name.toLowerCase() === 'x-krakend') {
      actualName = POWERED_BY_HEADER;
      expected = want.map((v) => (v === '' ? v : `hanzoai/gateway ${v}`));
    }
    const got = headerLines(res.rawHeaders, actualName);
    const ok = got.length === 0 ? expected[0] === '' : JSON.stringify(got) === JSON.stringify(expected);
    if (!ok) problems.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
  }
  return problems;
}

export { headerLines, request };
