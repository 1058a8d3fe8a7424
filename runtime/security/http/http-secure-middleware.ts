import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { MiddlewareFactory } from '../../core/middleware.js';
import { compileGoRegexp, type GoRegexp } from '../../shared/go/go-regexp.js';
import { writePermanentRedirect } from '../../core/responses.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';
import type { HttpSecureConfig } from './http-secure-config.js';

const MAX_HOST_LENGTH = 261; // a 253-character name, a colon and a port

/**
 * KrakenD's `security/http` (krakend-httpsecure over unrolled/secure) as the
 * first router middleware: the Host must be one of `allowed_hosts` (else 500
 * `Bad Host`), plain-HTTP requests are sent to https with `ssl_redirect`,
 * and the security headers are set on every answer — HSTS only when the
 * request came over TLS (directly, or as `ssl_proxy_headers` say) or with
 * `force_sts_header`. `is_development` turns off the host check, the
 * redirect and HSTS.
 */
export const httpSecureMiddleware: MiddlewareFactory = (deps) => {
  const c = deps.service.settings['security/http'];
  if (!c) throw new Error('security/http is not an object');
  const hostRegexes = c.allowedHostsAreRegex ? c.allowedHosts.map(compileAllowedHost) : [];
  const allowed = new Set(c.allowedHosts.map((h) => h.toLowerCase()));
  const checkHosts = c.allowedHosts.length > 0 && !c.isDevelopment;
  // Headers that do not depend on the request, worked out once.
  const always: Array<[string, string]> = [];
  if (c.customFrameOptionsValue) always.push(['X-Frame-Options', c.customFrameOptionsValue]);
  else if (c.frameDeny) always.push(['X-Frame-Options', 'DENY']);
  if (c.contentTypeNosniff) always.push(['X-Content-Type-Options', 'nosniff']);
  if (c.browserXssFilter) always.push(['X-XSS-Protection', '1; mode=block']);
  if (c.contentSecurityPolicy) always.push(['Content-Security-Policy', c.contentSecurityPolicy]);
  if (c.referrerPolicy) always.push(['Referrer-Policy', c.referrerPolicy]);
  const sts = c.stsSeconds !== 0 && !c.isDevelopment ? `max-age=${c.stsSeconds}${c.stsIncludeSubdomains ? '; includeSubDomains' : ''}` : undefined;

  // Header work, a 500 or a 301: what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((req, res, next) => {
    const host = requestHost(req, c.hostProxyHeaders);
    // No real host is longer (DNS names stop at 253); the patterns run on RE2, linear in the host anyway.
    if (checkHosts && (host.length > MAX_HOST_LENGTH || !(c.allowedHostsAreRegex ? hostRegexes.some((r) => r.test(host)) : allowed.has(host.toLowerCase())))) {
      badHost(res);
      return;
    }
    const ssl = isSsl(req, c.sslProxyHeaders);
    if (c.sslRedirect && !ssl && !c.isDevelopment) {
      writePermanentRedirect(req, res, `https://${c.sslHost || host}${req.url ?? '/'}`);
      return;
    }
    if (sts && (ssl || c.forceStsHeader)) res.setHeader('Strict-Transport-Security', sts);
    if (c.hpkpPublicKey && ssl && !c.isDevelopment) res.setHeader('Public-Key-Pins', c.hpkpPublicKey);
    for (const [name, value] of always) res.setHeader(name, value);
    next();
  });
};

/**
 * An `allowed_hosts` regex as it is matched: against the whole host, on RE2.
 * unrolled/secure writes `^%s$`, which for `a|b` anchors only the ends (`^a`
 * or `b$`); the group makes every alternative whole-host, the evident
 * intent. The pattern alone is compiled first, so what Go refuses (`a)(b`,
 * which the group would close) is refused here too.
 */
export function compileAllowedHost(pattern: string): GoRegexp {
  compileGoRegexp(pattern);
  return compileGoRegexp(`^(?:${pattern})$`);
}

/** The Host header, or the first proxy header that holds one (`host_proxy_headers`). */
function requestHost(req: IncomingMessage, proxyHeaders: readonly string[]): string {
  for (const name of proxyHeaders) {
    const v = req.headers[name.toLowerCase()];
    const value = Array.isArray(v) ? v[0] : v;
    if (value) return value;
  }
  return req.headers.host ?? '';
}

/** Over TLS itself, or behind a proxy whose header says so (values compared exactly, as Go's Header.Get == v). */
function isSsl(req: IncomingMessage, proxyHeaders: Readonly<Record<string, string>>): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  for (const [name, value] of Object.entries(proxyHeaders)) {
    const v = req.headers[name.toLowerCase()];
    if ((Array.isArray(v) ? v[0] : v) === value) return true;
  }
  return false;
}

/** unrolled/secure's default bad-host answer: Go's http.Error with 500. */
function badHost(res: ServerResponse): void {
  const body = 'Bad Host\n';
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
