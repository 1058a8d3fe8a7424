import type { BackendStageFactory, UpstreamHandler } from '../../shared/upstream/upstream.js';
import { forwardingStage } from '../../shared/upstream/forwarding-stage.js';
import { compileMartian } from './martian-modifiers.js';
import type { MartianMessage } from './martian-message.js';

/**
 * `modifier/martian` as a backend stage: request-scope modifiers edit the
 * backend request as sent (headers, path and query, body), response-scope
 * ones the backend's answer before Lura reads it (headers, and a body
 * replaced whole). A definition that does not compile leaves the backend
 * unmodified, with an error logged, as KrakenD does.
 */
export const martianStage: BackendStageFactory = (backend, deps, next) => {
  const settings = backend.settings['modifier/martian'];
  if (!settings) return next;
  let compiled;
  try {
    compiled = compileMartian(settings.modifier);
  } catch (e) {
    deps.log.error(`[BACKEND: ${backend.urlPattern}][Martian] ${(e as Error).message}; the backend runs unmodified`);
    return next;
  }
  const { modify } = compiled;
  return forwardingStage(next, {
    dispatch(request, handler) {
      const m: MartianMessage = { kind: 'request', headers: [...request.headers], path: request.path };
      modify(m);
      request.headers = m.headers;
      request.path = m.path ?? request.path;
      if (m.body) request.body = m.body.length > 0 ? m.body : null;
      next.dispatch(request, withResponseModifiers(handler, modify));
    },
  });
};

/** Response headers through the modifiers; a replacement body instead of the backend's. */
function withResponseModifiers(inner: UpstreamHandler, modify: (m: MartianMessage) => void): UpstreamHandler {
  let replacement: Buffer | undefined;
  return {
    onConnect: (abort) => inner.onConnect(abort),
    onHeaders(status, rawHeaders, resume, statusText) {
      const m: MartianMessage = { kind: 'response', headers: rawHeaders.map((b) => b.toString('latin1')) };
      modify(m);
      replacement = m.body;
      return inner.onHeaders(status, m.headers.map((h) => Buffer.from(h, 'latin1')), resume, statusText);
    },
    onData(chunk) {
      return replacement ? true : inner.onData(chunk);
    },
    onComplete(trailers) {
      if (replacement && replacement.length > 0) inner.onData(replacement);
      inner.onComplete(trailers);
    },
    onError: (err) => inner.onError(err),
  };
}
