import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalHeaderKey } from '../shared/headers/canonical-header-key.js';
import { encodeJson } from '../shared/json/encode-json.js';
import type { JsonObject } from '../shared/json/json-number.js';
import { parseQuery } from './query.js';
import { DIAGNOSTIC_BODY_LIMIT, readHeldBody, writePlainTooLarge } from './body-limit.js';

/**
 * `/__echo/*` (echo_endpoint): the request as the gateway received it, as
 * KrakenD's echo struct serialises — fields in struct order, not sorted. A
 * body over the diagnostic bound is a 413 (KrakenD has no bound).
 */
export const ECHO_PREFIX = '/__echo/';

export function handleEcho(req: IncomingMessage, res: ServerResponse): void {
  readHeldBody(req, res, DIAGNOSTIC_BODY_LIMIT, (received) => {
    const uri = req.url ?? '/';
    const q = uri.indexOf('?');
    const rawQuery = q === -1 ? '' : uri.slice(q + 1);
    let path = q === -1 ? uri : uri.slice(0, q);
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep the raw path
    }
    const query: JsonObject = {};
    for (const [k, v] of parseQuery(rawQuery)) query[k] = v;
    const headers: JsonObject = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = canonicalHeaderKey(req.rawHeaders[i]!);
      if (name === 'Host') continue;
      ((headers[name] as string[] | undefined) ?? (headers[name] = [])).push(req.rawHeaders[i + 1]!);
    }
    const details = `{"fragment":"","host":"","path":${encodeJson(path)},"query":${encodeJson(rawQuery)},"user":null}`;
    const body = Buffer.from(
      `{"req_uri":${encodeJson(uri)},"req_uri_details":${details},"req_method":${encodeJson(req.method ?? '')},` +
        `"req_querystring":${encodeJson(query)},"req_body":${encodeJson(received.toString('utf8'))},"req_headers":${encodeJson(headers)}}`,
    );
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length }).end(body);
  }, () => writePlainTooLarge(res));
}
