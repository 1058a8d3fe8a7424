import type { BackendPlan, EndpointPlan } from '../../plan/plan.js';
import type { Upstream, UpstreamRequest } from '../../shared/upstream/upstream.js';
import type { Branding } from '../../shared/branding.js';
import { BufferedCall, type BufferedResponse } from '../buffered-call.js';
import { BackendRequestBuilder } from '../request-builder.js';
import { compileBackendManipulation, hasBackendManipulation } from '../manipulation/backend-manipulation.js';
import { goStruct, type JsonObject } from '../../shared/json/json-number.js';
import type { Codecs } from './codecs.js';
import { bodyDecoder } from './decode-backend-body.js';
import { BackendError } from './backend-error.js';
import { NO_CANCEL, type Proxy } from './proxy.js';
import { canonicalObject } from '../../shared/json/canonical-object.js';
import { CanonicalResponse } from './canonical-response.js';

/**
 * One backend of a decoding endpoint: build the request, call the upstream,
 * apply Lura's status rule (200/201 succeed), decode, then the backend's
 * manipulations (target, allow/deny, mapping or flatmap, group). The
 * `backend/http` options decide what a failure looks like: an error with the
 * backend's status (`return_error_code`) or data describing it
 * (`return_error_details`).
 *
 * `splice`: the caller renders plain JSON and reads nothing else of the data,
 * so an answer that needs no manipulation and is already in Go's encoding is
 * passed on as text (CanonicalResponse) instead of decoded.
 */
export function compileBackendProxy(endpoint: EndpointPlan, backend: BackendPlan, upstream: Upstream, brand: Branding, codecs: Codecs, splice = false): Proxy {
  const builder = new BackendRequestBuilder(endpoint, backend, brand);
  const decode = bodyDecoder(backend, codecs);
  const manipulate = compileBackendManipulation(backend);
  const noop = backend.encoding === 'no-op';
  const details = backend.returnErrorDetails;
  const label = `[${builder.method} ${builder.pattern.template}]`;
  const spliceable = splice && isPlainJson(backend);

  return (ctx, done) => {
    const request: UpstreamRequest = builder.build(ctx.req, ctx.params, ctx.rawQuery, ctx.body, ctx.responses);
    const refused = ctx.modifyRequest?.(request);
    if (refused) {
      done(refused, null);
      return NO_CANCEL;
    }
    const call = new BufferedCall(0, (err, res) => {
      if (err || !res) {
        done(err ?? new Error('no response'), null);
        return;
      }
      if (noop) {
        done(null, { data: {}, isComplete: true, raw: res.body });
        return;
      }
      if (res.status !== 200 && res.status !== 201) {
        if (details !== undefined) {
          done(null, { data: { [`error_${details}`]: errorDetails(res) }, isComplete: false });
          return;
        }
        const message = `invalid status code ${res.status} ${label}: ${request.url ?? request.path}`;
        done(backend.returnErrorCode ? new BackendError(message, res.status, res.body, header(res, 'content-type')) : new BackendError(message), null);
        return;
      }
      if (spliceable && header(res, 'content-encoding') === undefined) {
        const canonical = canonicalObject(res.body.toString('utf8'));
        if (canonical !== null) {
          done(null, new CanonicalResponse(canonical, true, { status: res.status, headers: res.headers }));
          return;
        }
      }
      let data: JsonObject;
      try {
        data = manipulate(decode(res.body, header(res, 'content-encoding')));
      } catch (e) {
        done(e as Error, null);
        return;
      }
      done(null, { data, isComplete: true, metadata: { status: res.status, headers: res.headers } });
    });
    upstream.dispatch(request, call);
    return (reason) => call.cancel(reason);
  };
}

/** A JSON object answer that reaches the endpoint as it came: no manipulation, no collection, no codec. */
function isPlainJson(backend: BackendPlan): boolean {
  const json = backend.encoding === 'json' || backend.encoding === 'fast-json' || backend.encoding === '';
  return json && !backend.isCollection && !hasBackendManipulation(backend);
}

/** Lura's error-detail struct, fields in struct order; empty body and encoding are omitted. */
function errorDetails(res: BufferedResponse): JsonObject {
  const out: JsonObject = { http_status_code: res.status };
  const body = res.body.toString('utf8');
  if (body !== '') out.http_body = body;
  const type = header(res, 'content-type');
  if (type) out.http_body_encoding = type;
  return goStruct(out);
}

function header(res: BufferedResponse, lower: string): string | undefined {
  for (let i = 0; i < res.headers.length; i += 2) if (res.headers[i]!.toLowerCase() === lower) return res.headers[i + 1];
  return undefined;
}
