import type { ProxyWrapperFactory } from '../../core/endpoint-context.js';
import type { ProxyWrapper } from '../../core/pipe/proxy.js';
import { NO_CANCEL } from '../../core/pipe/proxy.js';
import { compileCelChecks, firstFailing } from './cel-checks.js';
import { requestView, responseActivation } from './cel-activation.js';

/**
 * `validation/cel` around an endpoint's pipe or one backend's proxy, as
 * krakend-cel's ProxyFactory and BackendFactory: `req` checks before the
 * call, `resp` checks on its answer; the first check that is false or fails
 * ends the call with `request aborted by evaluator #N` (N counts within its
 * list). At a backend that is one failed backend of the merge; at the
 * endpoint it is the answer (500, the text with return_error_msg).
 */
export const celProxy: ProxyWrapperFactory = (endpoint, backend, deps) => {
  const where = backend ? `[BACKEND: ${backend.urlPattern}][CEL]` : `[ENDPOINT: ${endpoint.endpoint}][CEL]`;
  const compiled = compileCelChecks((backend ?? endpoint).settings['validation/cel'] ?? []);
  if (!compiled.ok) {
    deps.log.warn(`${where} the expression ${JSON.stringify(compiled.expr)} does not parse (${compiled.reason}); these checks are off, as in KrakenD`);
    return (next) => next;
  }
  for (const s of compiled.skipped) deps.log.warn(`${where} the expression ${JSON.stringify(s.expr)} fails its type check (${s.reason}) and is left out, as in KrakenD`);
  const { pre, post } = compiled.checks;
  if (post.length > 0 && endpoint.outputEncoding === 'no-op') deps.log.warn(`${where} resp checks do not run on a no-op endpoint: its answer streams unread`);
  if (pre.length === 0 && post.length === 0) return (next) => next;
  const view = requestView(endpoint, backend, deps.brand);

  const wrapper: ProxyWrapper = (next) => (ctx, done) => {
    if (pre.length > 0) {
      const failed = firstFailing(pre, view.request(ctx));
      if (failed !== -1) {
        deps.log.info(`${where}[pre] evaluator #${failed} refused the request`);
        done(aborted(failed), null);
        return NO_CANCEL;
      }
    }
    if (post.length === 0) return next(ctx, done);
    return next(ctx, (err, response) => {
      if (err || !response) {
        done(err, response);
        return;
      }
      const failed = firstFailing(post, responseActivation(response));
      if (failed !== -1) {
        deps.log.info(`${where}[post] evaluator #${failed} refused the response`);
        done(aborted(failed), null);
        return;
      }
      done(null, response);
    });
  };
  return wrapper;
};

function aborted(index: number): Error {
  return new Error(`request aborted by evaluator #${index}`);
}
